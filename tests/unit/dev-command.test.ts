import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerDev } from '../../src/cli/commands/dev.ts';
import { UsageError } from '../../src/core/errors.ts';
import { runDigestInProcess } from '../support/cli-in-process.ts';

describe('digest dev --state', () => {
  let work: string;
  let drop: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'dev-state-'));
    drop = join(work, 'drop');
    await cp('seeds', drop, { recursive: true });
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('refuses a state folder inside the watched folder, whose files it would ingest in a loop', async () => {
    // Act
    const run = await runDigestInProcess(
      [registerDev],
      ['dev', '--watch', drop, '--state', join(drop, 'state'), '--no-open', '--port', '0'],
    );

    // Assess: refused before anything is ingested or written.
    expect(run.error).toEqual(
      new UsageError(
        `--state ${join(drop, 'state')} is inside --watch ${drop}: its own files would be ingested as uploads, again and again; keep it elsewhere (or in a hidden folder such as ${join(drop, '.digest-local')})`,
      ),
    );
    expect((await readdir(drop)).sort()).toEqual((await readdir('seeds')).sort());
  });
});
