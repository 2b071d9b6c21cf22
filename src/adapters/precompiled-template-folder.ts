import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import type { TemplateSource } from '../core/ports/template-source.ts';

/**
 * Reads precompiled templates (`digest templates --out DIR`: HTML and text, no MJML, each compiled to
 * JavaScript) as a Lambda bundle ships them beside its code; rendering them needs the Handlebars runtime only.
 */
export function precompiledTemplateFolder(dir: string): TemplateSource {
  const root = resolve(dir);
  return { id: `folder:${root}`, readAll: () => readTemplateFiles(root) };
}

/** The *.hbs files (and the *.hbs.js precompile.ts compiles them to) below `root`, keyed by their path relative to it with forward slashes. */
export async function readTemplateFiles(root: string): Promise<Map<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch((error: unknown) => {
    throw new ConfigError(`template folder ${root} cannot be read`, { cause: error });
  });
  const paths = entries
    .filter((e) => e.isFile() && /\.hbs(\.js)?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  // Read side by side: a Lambda reads these at its cold start.
  const sources = await Promise.all(paths.map((path) => readFile(path, 'utf8')));
  return new Map(paths.map((path, i) => [relative(root, path).split(sep).join('/'), sources[i] as string]));
}

/**
 * What stops `dir` being replaced by writeTemplateFiles: `file` when it is not a folder, else the paths of its
 * files that are not compiled templates (its own earlier output: *.hbs and *.hbs.js, no MJML), sorted. A
 * missing folder has none.
 */
export async function notCompiledTemplates(dir: string): Promise<'file' | string[]> {
  const root = resolve(dir);
  const info = await stat(root).catch(() => undefined);
  if (!info) return [];
  if (!info.isDirectory()) return 'file';
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory() && !(/\.hbs(\.js)?$/.test(e.name) && !/\.mjml\.hbs(\.js)?$/.test(e.name)))
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/**
 * Replaces `dir` with the template files (`digest templates --out DIR`), as precompiledTemplateFolder reads them.
 * The caller checks first that `dir` holds nothing else (notCompiledTemplates): it is removed whole.
 */
export async function writeTemplateFiles(dir: string, files: ReadonlyMap<string, string>): Promise<string> {
  const root = resolve(dir);
  await rm(root, { recursive: true, force: true });
  for (const [path, source] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), source);
  }
  return root;
}
