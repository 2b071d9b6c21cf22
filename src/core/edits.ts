import type { Digest, Point, Theme } from './digest.ts';
import { UsageError } from './errors.ts';
import * as z from './zod.ts';

const MAX_TITLE = 200;
const MAX_NOTE = 2000;
const themeRef = z.string().check(z.minLength(1), z.maxLength(200));
const position = z.int().check(z.minimum(1), z.maximum(10_000));
const oneLine = (max: number) =>
  z.string().check(
    z.maxLength(max),
    z.overwrite((text) => text.replace(/\s+/g, ' ').trim()),
  );

/** One change an editor makes to a built digest. Themes are named by id, points by position (from 1). */
export const editSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rename'), theme: themeRef, title: oneLine(MAX_TITLE) }),
  z.object({ kind: z.literal('move'), theme: themeRef, to: position }),
  z.object({ kind: z.literal('pin'), theme: themeRef }),
  z.object({ kind: z.literal('drop-theme'), theme: themeRef }),
  z.object({ kind: z.literal('drop-point'), theme: themeRef, point: position }),
  /** `with` is the text of one of the theme's alternatives; the point it replaces becomes one. */
  z.object({
    kind: z.literal('replace-point'),
    theme: themeRef,
    point: position,
    with: z.string().check(z.maxLength(5000)),
  }),
  /** The editor's note at the top of the email; empty removes it. */
  z.object({
    kind: z.literal('note'),
    text: z.string().check(z.maxLength(MAX_NOTE), z.trim()),
  }),
  /** The subject line; empty goes back to the template's. */
  z.object({ kind: z.literal('subject'), text: oneLine(MAX_TITLE) }),
]);

export type Edit = z.output<typeof editSchema>;
export type EditInput = z.input<typeof editSchema>;

/** An edit as the digest record keeps it: what, when and by whom. */
export interface RecordedEdit {
  edit: Edit;
  /** ISO 8601. */
  at: string;
  /** The operator's AWS identity, a `--by` name, or `studio` plus the local user. */
  by: string;
}

/** Validates untrusted input (an HTTP body, an edits file) as an edit; the error names `where`. */
export function parseEdit(input: unknown, where: string): Edit {
  const parsed = editSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(`${where}: not a valid edit: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The digest with every edit applied in order; the first edit that does not apply is an error naming it. */
export function applyEdits(digest: Digest, edits: readonly Edit[]): Digest {
  return edits.reduce((current, edit, i) => {
    try {
      return applyEdit(current, edit);
    } catch (error) {
      throw new UsageError(`edit ${i + 1} (${describeEdit(edit)}): ${(error as Error).message}`, {
        cause: error,
      });
    }
  }, digest);
}

/**
 * For a digest rebuilt from changed articles (folder mode): applies the edits that still fit and returns
 * the others with the reason, so a removed story never stops the build.
 */
export function applyEditsLeniently(
  digest: Digest,
  edits: readonly Edit[],
): { digest: Digest; stale: { edit: Edit; reason: string }[] } {
  const stale: { edit: Edit; reason: string }[] = [];
  let current = digest;
  for (const edit of edits) {
    try {
      current = applyEdit(current, edit);
    } catch (error) {
      stale.push({ edit, reason: (error as Error).message });
    }
  }
  return { digest: current, stale };
}

/** One edit; throws a UsageError saying why it does not apply. Never changes its input. */
export function applyEdit(digest: Digest, edit: Edit): Digest {
  switch (edit.kind) {
    case 'rename':
      if (!edit.title) throw new UsageError('the title is empty');
      return updateTheme(digest, edit.theme, (theme) => ({ ...theme, label: edit.title, edited: true }));
    case 'move':
    case 'pin': {
      const from = themeIndex(digest, edit.theme);
      const to = edit.kind === 'pin' ? 0 : edit.to - 1;
      if (to >= digest.themes.length)
        throw new UsageError(`position ${edit.kind === 'move' ? edit.to : 1} is out of range`);
      const themes = [...digest.themes];
      const [moved] = themes.splice(from, 1);
      themes.splice(to, 0, moved as Theme);
      return { ...digest, themes };
    }
    case 'drop-theme': {
      const index = themeIndex(digest, edit.theme);
      if (digest.themes.length === 1) throw new UsageError('it is the only theme: reject the digest instead');
      return { ...digest, themes: digest.themes.filter((_, i) => i !== index) };
    }
    case 'drop-point':
      return updateTheme(digest, edit.theme, (theme) => {
        pointIndex(theme, edit.point);
        if (theme.points.length === 1)
          throw new UsageError('it is the only point of the theme: drop the theme instead');
        return { ...theme, points: theme.points.filter((_, i) => i !== edit.point - 1) };
      });
    case 'replace-point':
      return updateTheme(digest, edit.theme, (theme) => {
        const index = pointIndex(theme, edit.point);
        const alternatives = theme.alternatives ?? [];
        const chosen = alternatives.find((a) => a.text === edit.with);
        if (!chosen) throw new UsageError('the replacement is not one of the theme’s alternative sentences');
        const { edited: _edited, ...replaced } = theme.points[index] as Point;
        return {
          ...theme,
          points: theme.points.map((p, i) => (i === index ? { ...chosen, edited: true } : p)),
          alternatives: [...alternatives.filter((a) => a !== chosen), replaced],
        };
      });
    case 'note': {
      const { intro: _intro, ...rest } = digest;
      return edit.text ? { ...rest, intro: edit.text } : rest;
    }
    case 'subject': {
      const { subject: _subject, ...rest } = digest;
      return edit.text ? { ...rest, subject: edit.text } : rest;
    }
  }
}

/** One line for listings and errors, e.g. `rename theme-1a2b to "Floods in Valencia"`. */
export function describeEdit(edit: Edit): string {
  switch (edit.kind) {
    case 'rename':
      return `rename ${edit.theme} to ${JSON.stringify(edit.title)}`;
    case 'move':
      return `move ${edit.theme} to position ${edit.to}`;
    case 'pin':
      return `pin ${edit.theme} to the top`;
    case 'drop-theme':
      return `drop ${edit.theme}`;
    case 'drop-point':
      return `drop point ${edit.point} of ${edit.theme}`;
    case 'replace-point':
      return `replace point ${edit.point} of ${edit.theme} with ${JSON.stringify(shorten(edit.with))}`;
    case 'note':
      return edit.text ? `note ${JSON.stringify(shorten(edit.text))}` : 'remove the note';
    case 'subject':
      return edit.text ? `subject ${JSON.stringify(edit.text)}` : 'subject from the template';
  }
}

/**
 * A theme named by its id or by its position in the digest as shown (from 1): what people type. Returns
 * the id, which stays right when other edits move themes around.
 */
export function resolveTheme(digest: Digest, ref: string): string {
  if (/^\d+$/.test(ref)) {
    const theme = digest.themes[Number(ref) - 1];
    if (!theme) throw new UsageError(`theme ${ref} is out of range (1 to ${digest.themes.length})`);
    return theme.id;
  }
  themeIndex(digest, ref);
  return ref;
}

function themeIndex(digest: Digest, id: string): number {
  const index = digest.themes.findIndex((t) => t.id === id);
  if (index < 0) throw new UsageError(`there is no theme ${id} in this digest`);
  return index;
}

function pointIndex(theme: Theme, point: number): number {
  if (point > theme.points.length)
    throw new UsageError(`point ${point} is out of range (1 to ${theme.points.length})`);
  return point - 1;
}

function updateTheme(digest: Digest, id: string, change: (theme: Theme) => Theme): Digest {
  const index = themeIndex(digest, id);
  return { ...digest, themes: digest.themes.map((t, i) => (i === index ? change(t) : t)) };
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
