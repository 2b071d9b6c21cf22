// functions/digest.ts imported from the sources, as Lambda runs its bundle: configuration from the environment,
// precompiled templates from TEMPLATES_DIR (the bundle's own folder by default), clients pointed at moto.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTemplateFiles } from '../../src/adapters/precompiled-template-folder.ts';
import { templateFolder } from '../../src/adapters/template-folder.ts';
import {
  approvedMessages,
  createDigestResources,
  digestLambdaEnvironment,
} from '../support/digest-resources.ts';
import { createIngestResources, ingestHandler, seeds, upload } from '../support/ingest-resources.ts';
import { receiveAsLambdaEvent } from '../support/sqs-lambda.ts';

describe('functions/digest.ts', () => {
  it('loads its templates from TEMPLATES_DIR and builds, archives and hands over the window', async () => {
    // Prepare
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    const files = await seeds();
    for (const seed of files) await upload(r, `incoming/${seed.name}`, seed.bytes);
    await ingestHandler(r).handler(await receiveAsLambdaEvent(r.sqs, r.queueUrl));
    // The templates as a bundle ships them: compiled once from templates/ (`digest templates --out DIR`).
    const templatesDir = await writeTemplateFiles(
      await mkdtemp(join(tmpdir(), 'digest-templates-')),
      await templateFolder().readAll(),
    );
    Object.assign(process.env, { ...digestLambdaEnvironment(r, d), TEMPLATES_DIR: templatesDir });
    const { handler } = await import('../../functions/digest.ts');
    const slot = new Date(Math.ceil((Date.now() + 1) / 60_000) * 60_000);

    // Act
    const result = await handler({ scheduledTime: slot.toISOString() });

    // Assess
    expect(result.run).toMatchObject({ outcome: 'approved', counts: { articles: files.length } });
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([result.run?.digestId]);
  });
});
