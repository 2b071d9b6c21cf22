import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.ts';
import type { TemplateSource } from '../core/ports/template-source.ts';

/** templates/ of this repository; a Lambda bundle passes the folder it ships instead. */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** Reads the *.hbs files below `dir`. */
export function templateFolder(dir: string = DEFAULT_TEMPLATES_DIR): TemplateSource {
  const root = resolve(dir);
  return {
    id: `folder:${root}`,
    async readAll() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(
        (error: unknown) => {
          throw new ConfigError(`template folder ${root} cannot be read`, { cause: error });
        },
      );
      const files = new Map<string, string>();
      const paths = entries
        .filter((e) => e.isFile() && e.name.endsWith('.hbs'))
        .map((e) => join(e.parentPath, e.name))
        .sort();
      for (const path of paths) {
        files.set(relative(root, path).split(sep).join('/'), await readFile(path, 'utf8'));
      }
      return files;
    },
  };
}
