import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { editsFileOf, readEditsFile } from '../adapters/local-edits.ts';
import { templateFolder } from '../adapters/template-folder.ts';
import type { Digest } from '../core/digest.ts';
import { applyEditsLeniently, describeEdit } from '../core/edits.ts';
import { UsageError } from '../core/errors.ts';
import { renderSampleEmail } from '../core/render/sample.ts';
import type { EmailSettings } from '../core/render/settings.ts';
import { loadTemplates } from '../core/render/templates.ts';
import { count, fileProblem } from './output.ts';

/** Renders the digest as the email a sample recipient gets and writes digest.{json,html,txt,eml} to `outDir`. */
export async function writeDigestFiles(
  outDir: string,
  digest: Digest,
  options: { settings: EmailSettings; templates?: string },
) {
  const email = await renderSampleEmail(
    digest,
    await loadTemplates(templateFolder(options.templates)),
    options.settings,
  );
  const out = resolve(outDir);
  try {
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'digest.json'), `${JSON.stringify(digest, null, 2)}\n`);
    await writeFile(join(out, 'digest.html'), email.html);
    await writeFile(join(out, 'digest.txt'), email.text);
    await writeFile(join(out, 'digest.eml'), email.eml);
  } catch (error) {
    // A path the user gave (under a file, read-only, a full disk): one line naming it, not Node's stack.
    const problem = fileProblem(error);
    if (problem === undefined) throw error;
    throw new UsageError(`--out ${outDir} cannot be written: ${problem}`, { cause: error });
  }
  return { out, email };
}

/** The folder's digest with the edits saved beside the folder by the studio; edits that no longer fit are reported. */
export async function withFolderEdits(digest: Digest, inputDir: string): Promise<Digest> {
  const path = editsFileOf(inputDir);
  const { edits } = await readEditsFile(path);
  if (edits.length === 0) return digest;
  const applied = applyEditsLeniently(
    digest,
    edits.map((e) => e.edit),
  );
  for (const { edit, reason } of applied.stale)
    console.error(`warning: edit not applied (${describeEdit(edit, applied.digest)}): ${reason}`);
  console.error(
    `applied ${edits.length - applied.stale.length} of ${count(edits.length, 'edit')} from ${path}`,
  );
  return applied.digest;
}
