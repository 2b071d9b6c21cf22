import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateSource } from '../core/ports/template-source.ts';
import { HANDLEBARS_VERSION } from '../core/render/templates.ts';
import { writeFileAtomically } from './local-files.ts';
import { readTemplateFiles } from './precompiled-template-folder.ts';

/** templates/ of this repository; a Lambda bundle passes the folder it ships instead. */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
/** Precompiled templates by the hash of their sources, so mjml loads only when a template changes. */
const CACHE_DIR = fileURLToPath(
  new URL('../../node_modules/.cache/newsletter-digest/templates/', import.meta.url),
);
/** Part of the cache key: change it when precompile.ts changes what it makes of the same sources. */
const PRECOMPILE_FORMAT = 3;

/**
 * Reads the templates as written (MJML with Handlebars), compiles the MJML to HTML and every template to
 * JavaScript once per content (precompile.ts). The result is cached on disk by the hash of the files, so only a
 * changed template loads mjml (half a second) and the Handlebars compiler; the cache is a convenience and never
 * required.
 */
export function templateFolder(
  dir: string = DEFAULT_TEMPLATES_DIR,
  cacheDir: string = CACHE_DIR,
): TemplateSource {
  const root = resolve(dir);
  return {
    id: `source:${root}`,
    async readAll() {
      const files = await readTemplateFiles(root);
      const hash = createHash('sha256')
        .update(JSON.stringify([PRECOMPILE_FORMAT, HANDLEBARS_VERSION, ...files]))
        .digest('hex');
      const cached = join(cacheDir, `${hash}.json`);
      const hit = await readFile(cached, 'utf8').then(
        (json) => new Map(JSON.parse(json) as [string, string][]),
        () => undefined,
      );
      if (hit) return hit;
      const { precompileTemplates } = await import('../core/render/precompile.ts');
      const precompiled = await precompileTemplates(files);
      await storeInCache(cacheDir, cached, JSON.stringify([...precompiled]));
      return precompiled;
    },
  };
}

/** Writes whole files only (rename), and shrugs off a read-only or missing node_modules. */
async function storeInCache(cacheDir: string, path: string, json: string): Promise<void> {
  try {
    await mkdir(cacheDir, { recursive: true });
    await writeFileAtomically(path, json);
  } catch {
    // Without the cache the next run compiles the MJML again.
  }
}
