// Lambda bundles kept between synths. CDK stages every function of every synth into a fresh folder and bundles it
// there, and the infra tests synthesise the stack a dozen times: each bundle is kept in node_modules/.cache with
// the hash of every file it was made from, and copied from there while every one of them is unchanged.
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const CACHE_DIR = join(projectRoot, 'node_modules/.cache/newsletter-digest/lambda-bundles');

/** What decides every bundle besides the files esbuild reads: the bundling code, the dependency tree, tsconfig. */
const BUNDLING_FILES = [
  'infra/lambda-bundle.ts',
  'scripts/build-cli.ts',
  'package-lock.json',
  'tsconfig.json',
];

export interface KeptBundle {
  handler: string;
  /** The bundle ships the precompiled templates (made by the built CLI from templates/). */
  templates: boolean;
  /** Where the bundle goes: its source maps name the sources relative to it. */
  outdir: string;
}

/** The cache's folder for one handler bundled one way into folders at one depth from the project. */
function slotOf({ handler, templates, outdir }: KeptBundle): string {
  const key = JSON.stringify([handler, templates, relative(outdir, projectRoot)]);
  return join(CACHE_DIR, createHash('sha256').update(key).digest('hex').slice(0, 16));
}

/** Hash of every file (paths from the project root); one that cannot be read hashes as missing. */
function hashFiles(files: Iterable<string>): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const file of files) {
    let bytes: Buffer | undefined;
    try {
      bytes = readFileSync(join(projectRoot, file));
    } catch {
      bytes = undefined;
    }
    hashes[file] = bytes ? createHash('sha256').update(bytes).digest('hex') : 'missing';
  }
  return hashes;
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(projectRoot, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(projectRoot, join(entry.parentPath, entry.name)));
}

/**
 * Copies the kept bundle into `outdir` if one was made from files that all still have the content they had; says
 * whether it did. Entries whose files changed are removed.
 */
export function copyKeptBundle(bundle: KeptBundle): boolean {
  const slot = slotOf(bundle);
  let entries: string[];
  try {
    entries = readdirSync(slot).filter((name) => !name.startsWith('.'));
  } catch {
    return false;
  }
  for (const entry of entries) {
    try {
      const kept: Record<string, string> = JSON.parse(readFileSync(join(slot, entry, 'inputs.json'), 'utf8'));
      const now = hashFiles(Object.keys(kept));
      if (Object.entries(kept).every(([file, hash]) => now[file] === hash)) {
        cpSync(join(slot, entry, 'bundle'), bundle.outdir, { recursive: true });
        return true;
      }
      rmSync(join(slot, entry), { recursive: true, force: true });
    } catch {
      // Removed or half written by another synth at the same time: bundle afresh.
    }
  }
  return false;
}

/** Keeps the bundle just made in `outdir` from `inputs` (the files esbuild read, from its metafile). */
export function keepBundle(bundle: KeptBundle, inputs: string[]): void {
  const hashes = hashFiles(
    new Set([
      ...inputs,
      ...BUNDLING_FILES,
      ...(bundle.templates ? ['bin/digest.js', ...filesUnder('templates'), ...filesUnder('dist/cli')] : []),
    ]),
  );
  const slot = slotOf(bundle);
  const key = createHash('sha256').update(JSON.stringify(hashes)).digest('hex').slice(0, 16);
  // Written aside and renamed into place: another synth may be keeping the same bundle.
  const aside = join(slot, `.${key}-${process.pid}`);
  cpSync(bundle.outdir, join(aside, 'bundle'), { recursive: true });
  writeFileSync(join(aside, 'inputs.json'), JSON.stringify(hashes));
  try {
    renameSync(aside, join(slot, key));
  } catch {
    rmSync(aside, { recursive: true, force: true });
  }
}
