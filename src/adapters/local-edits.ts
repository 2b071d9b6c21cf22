import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { editSchema, type RecordedEdit } from '../core/edits.ts';
import { ConfigError } from '../core/errors.ts';
import * as z from '../core/zod.ts';
import { writeFileAtomically } from './local-files.ts';

/** The edits of a folder's digest, beside the folder: `articles/` has `articles.edits.json`. */
export function editsFileOf(inputDir: string): string {
  const dir = resolve(inputDir);
  return join(dirname(dir), `${basename(dir)}.edits.json`);
}

/** The most edits a folder's edits file holds (readEditsFile refuses more; the studio refuses the next one). */
export const MAX_EDITS = 1000;

const editsFileSchema = z.object({
  version: z.int().check(z.minimum(0)),
  edits: z
    .array(z.object({ edit: editSchema, at: z.string(), by: z.string() }))
    .check(z.maxLength(MAX_EDITS)),
});

export interface EditsFile {
  version: number;
  edits: RecordedEdit[];
}

/** Reads an edits file; a missing one is no edits at version 0, a broken one an error naming it. */
export async function readEditsFile(path: string): Promise<EditsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 0, edits: [] };
    throw error;
  }
  let parsed: ReturnType<typeof editsFileSchema.safeParse>;
  try {
    parsed = editsFileSchema.safeParse(JSON.parse(text));
  } catch (error) {
    throw new ConfigError(`${path} is not JSON: ${(error as Error).message}`);
  }
  if (!parsed.success) throw new ConfigError(`${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Writes the whole file at once (a temporary file renamed over it), so a reader never sees half of it. */
export async function writeEditsFile(path: string, file: EditsFile): Promise<void> {
  await writeFileAtomically(path, `${JSON.stringify(file, null, 2)}\n`);
}
