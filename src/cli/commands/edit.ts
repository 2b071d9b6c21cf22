import type { Command } from 'commander';
import type { Digest } from '../../core/digest.ts';
import type { EditableDigest } from '../../core/digest-editing.ts';
import {
  applyEditsLeniently,
  describeEdit,
  type EditInput,
  parseEdit,
  resolveTheme,
} from '../../core/edits.ts';
import { UsageError } from '../../core/errors.ts';
import { digestEditor, type EditorOptions, editorIdentity, withEditorOptions } from '../digest-editor.ts';

interface EditCommandOptions extends EditorOptions {
  by?: string;
  expectVersion?: string;
  json?: boolean;
}

const ACTIONS = `actions:
  rename THEME TITLE               new title for a theme (THEME: its number or id)
  move THEME POSITION|up|down      move a theme
  pin THEME                        move a theme to the top
  drop THEME                       leave a theme out
  drop-point THEME POINT           leave one point out
  replace-point THEME POINT N      swap a point for the theme's alternative sentence N (see digest edits)
  note TEXT                        the editor's note at the top ("" removes it)
  subject TEXT                     the subject line ("" goes back to the template's)`;

/** `digest edit ID ACTION ...`, `digest edits ID`, `digest undo ID`: shaping a pending digest from the terminal. */
export function registerEdit(program: Command): void {
  withEditorOptions(
    program
      .command('edit <digestId> <action> [args...]')
      .description('review mode: change a pending digest; its approve renders the archive')
      .option('--by <name>', 'who edits (default: your AWS identity)')
      .option('--expect-version <n>', 'refuse unless the digest is still at this edit version')
      .addHelpText('after', `\n${ACTIONS}`),
  ).action(async (digestId: string, action: string, args: string[], options: EditCommandOptions) => {
    const editor = await digestEditor(options);
    const current = await editor.open(digestId);
    const edit = parseEdit(editFromArgs(current.digest, action, args), `digest edit ${action}`);
    const saved = await editor.edit(digestId, edit, await editorIdentity(options), expectedVersion(options));
    console.log(`${digestId} version ${saved.version}: ${describeEdit(edit, current.digest)}`);
  });

  withEditorOptions(
    program
      .command('edits <digestId>')
      .description('review mode: a digest as edited (numbered themes, points and alternatives) and its edits')
      .option('--json', 'print {version, edits, digest} as JSON'),
  ).action(async (digestId: string, options: EditCommandOptions) => {
    const opened = await (await digestEditor(options)).open(digestId);
    if (options.json) {
      const { version, edits, digest } = opened;
      console.log(JSON.stringify({ digestId, state: opened.record.state, version, edits, digest }, null, 2));
      return;
    }
    console.log(describeEditable(opened));
  });

  withEditorOptions(
    program
      .command('undo <digestId>')
      .description('review mode: take the last edit of a pending digest back')
      .option('--expect-version <n>', 'refuse unless the digest is still at this edit version'),
  ).action(async (digestId: string, options: EditCommandOptions) => {
    const editor = await digestEditor(options);
    const before = await editor.open(digestId);
    const saved = await editor.undo(digestId, expectedVersion(options));
    const undone = describeEdits(before).at(-1);
    console.log(`${digestId} version ${saved.version}: undid ${undone ?? 'nothing'}`);
  });
}

/** The edit the words on the command line mean, against the digest as the editor sees it now. */
function editFromArgs(digest: Digest, action: string, args: string[]): EditInput {
  const [first, second, third] = args;
  const need = (count: number, usage: string) => {
    if (args.length !== count) throw new UsageError(`usage: digest edit ID ${action} ${usage}`);
  };
  const theme = () => resolveTheme(digest, first as string);
  switch (action) {
    case 'rename':
      need(2, 'THEME TITLE');
      if (!second?.trim()) throw new UsageError('the title is empty');
      return { kind: 'rename', theme: theme(), title: second };
    case 'move': {
      need(2, 'THEME POSITION|up|down');
      const id = theme();
      const at = digest.themes.findIndex((t) => t.id === id) + 1;
      if (second === 'up' && at === 1) throw new UsageError(`theme ${first} is already at the top`);
      if (second === 'down' && at === digest.themes.length)
        throw new UsageError(`theme ${first} is already at the bottom`);
      const to = second === 'up' ? at - 1 : second === 'down' ? at + 1 : whole(second, 'POSITION');
      if (to < 1 || to > digest.themes.length)
        throw new UsageError(`position ${to} is out of range (1 to ${digest.themes.length})`);
      return { kind: 'move', theme: id, to };
    }
    case 'pin':
      need(1, 'THEME');
      return { kind: 'pin', theme: theme() };
    case 'drop':
      need(1, 'THEME');
      return { kind: 'drop-theme', theme: theme() };
    case 'drop-point':
      need(2, 'THEME POINT');
      return { kind: 'drop-point', theme: theme(), point: whole(second, 'POINT') };
    case 'replace-point': {
      need(3, 'THEME POINT N');
      const id = theme();
      const alternatives = digest.themes.find((t) => t.id === id)?.alternatives ?? [];
      const n = whole(third, 'N');
      const chosen = alternatives[n - 1];
      if (!chosen)
        throw new UsageError(
          `alternative ${n} is out of range: theme ${first} has ${alternatives.length} (see digest edits)`,
        );
      return { kind: 'replace-point', theme: id, point: whole(second, 'POINT'), with: chosen.text };
    }
    case 'note':
      need(1, 'TEXT');
      return { kind: 'note', text: first as string };
    case 'subject':
      need(1, 'TEXT');
      return { kind: 'subject', text: first as string };
    default:
      throw new UsageError(`unknown edit ${action}\n${ACTIONS}`);
  }
}

function whole(text: string | undefined, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} ${text} is not a number from 1`);
  return n;
}

function expectedVersion(options: EditCommandOptions): number | undefined {
  if (options.expectVersion === undefined) return undefined;
  const n = Number(options.expectVersion);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--expect-version ${options.expectVersion} is not a version`);
  return n;
}

/** One line per edit, naming themes and points as they were in the digest it was made on. */
function describeEdits({ original, edits }: EditableDigest): string[] {
  return applyEditsLeniently(
    original,
    edits.map((e) => e.edit),
  ).described;
}

function describeEditable(opened: EditableDigest): string {
  const { record, digest, version, edits } = opened;
  const lines = [`${record.digestId}  ${record.state}  version ${version}`];
  if (digest.subject) lines.push(`subject: ${digest.subject}`);
  if (digest.intro) lines.push(`note: ${digest.intro}`);
  digest.themes.forEach((theme, t) => {
    lines.push('', `${t + 1}. ${theme.label}${theme.edited ? '  (title edited)' : ''}  [${theme.id}]`);
    theme.points.forEach((point, p) => {
      lines.push(`   ${p + 1}. ${point.text}${point.edited ? '  (chosen by an editor)' : ''}`);
    });
    if (theme.alternatives?.length) {
      lines.push('   alternatives:');
      theme.alternatives.forEach((a, i) => {
        lines.push(`     ${i + 1}) ${a.text}`);
      });
    }
  });
  lines.push('', edits.length ? 'edits:' : 'no edits');
  const described = describeEdits(opened);
  edits.forEach((e, i) => {
    lines.push(`  ${i + 1}. ${e.at}  ${e.by}  ${described[i]}`);
  });
  return lines.join('\n');
}
