import { existsSync, readdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../../scripts/build-cli.ts';

/** A build folder of this file's own, beside dist/cli/ (two folders below the project root, as it must be). */
const outdir = `dist/test-build-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

afterAll(() => rm(outdir, { recursive: true, force: true }));

describe('npm run build (scripts/build-cli.ts)', () => {
  it('rebuilds without ever removing a module a running digest may still load, and drops what the build no longer has', async () => {
    // Prepare: a build, and a file an older build left behind.
    await bundleForNode(['src/cli/launch.ts'], outdir);
    const modules = readdirSync(outdir).sort();
    await writeFile(join(outdir, 'chunk-FROMANOLDBUILD.js'), 'export {};\n');

    // Act: build again, looking for the first build's modules at every turn of the event loop meanwhile.
    const missing = new Set<string>();
    let building = true;
    const rebuilt = bundleForNode(['src/cli/launch.ts'], outdir).finally(() => {
      building = false;
    });
    while (building) {
      for (const name of modules) if (!existsSync(join(outdir, name))) missing.add(name);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await rebuilt;

    // Assess
    expect(modules).toContain('launch.js');
    expect([...missing]).toEqual([]);
    expect(readdirSync(outdir).sort()).toEqual(modules);
    expect(readdirSync('dist').filter((name) => name.startsWith(`${outdir.slice(5)}.`))).toEqual([]);
  }, 60_000);
});
