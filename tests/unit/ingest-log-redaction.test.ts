import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LocalArticleIndex,
  LocalNormalisedArticles,
  LocalUploadedObjects,
} from '../../src/adapters/local-ingest-store.ts';
import { LOCAL_BUCKET, localS3QueueEvent } from '../../src/adapters/local-s3-events.ts';
import type { UploadedObjects } from '../../src/core/ports/uploaded-objects.ts';
import { redactAddresses } from '../../src/core/redact-addresses.ts';
import { UploadIngest } from '../../src/core/upload-ingest.ts';
import { createIngestQueueHandler } from '../../src/handlers/ingest.ts';
import { recordingObservability } from '../support/logs.ts';

/** The first 8 hex digits of the SHA-256 of `text`, as an operator computes them (`printf %s TEXT | sha256sum`). */
const sha8 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);

describe('redactAddresses', () => {
  it('hashes the local part of each address-like part, keeping the domain and the rest of the key', () => {
    // Act
    const redacted = [
      'incoming/jane.doe@example.com.md',
      'incoming/2026-11/Notes from Jane.Doe+desk@news.example.org (draft).txt',
      's3://bucket/incoming/a@b.ie and c@d.ie.txt',
      'incoming/josé@exämple.de.md',
      'incoming/x@y@example.com.txt',
    ].map(redactAddresses);

    // Assess
    expect(redacted).toEqual([
      `incoming/[sha256:${sha8('jane.doe')}]@example.com.md`,
      `incoming/2026-11/Notes from [sha256:${sha8('Jane.Doe+desk')}]@news.example.org (draft).txt`,
      `s3://bucket/incoming/[sha256:${sha8('a')}]@b.ie and [sha256:${sha8('c')}]@d.ie.txt`,
      `incoming/[sha256:${sha8('josé')}]@exämple.de.md`,
      `incoming/[sha256:${sha8('x')}]@[sha256:${sha8('y')}]@example.com.txt`,
    ]);
  });

  it('leaves alone what is no address, and what it has redacted already', () => {
    // Prepare
    const plain = [
      'incoming/budget talks.md',
      'incoming/@handle on the vote.txt',
      'incoming/meet @ noon.txt',
      'incoming/price@.txt',
      'incoming/trailing@',
      '',
    ];
    const once = redactAddresses('incoming/jane@example.com.md');

    // Act
    const again = redactAddresses(once);
    const left = plain.map(redactAddresses);

    // Assess
    expect(left).toEqual(plain);
    expect(again).toBe(once);
  });

  it('takes one pass whatever the text: a megabyte of @ and local-part characters, and one of a single run', () => {
    // Prepare
    const many = 'a@'.repeat(500_000);
    const run = `${'a.'.repeat(500_000)}@example.com`;

    // Act
    const started = performance.now();
    const manyRedacted = redactAddresses(many);
    const runRedacted = redactAddresses(run);
    const took = performance.now() - started;

    // Assess: every address's local part hashed (the last `a@` has no domain after it), in about a second here.
    expect(manyRedacted).toBe(`${`[sha256:${sha8('a')}]@`.repeat(499_999)}a@`);
    expect(runRedacted).toBe(`[sha256:${sha8('a.'.repeat(500_000))}]@example.com`);
    expect(took).toBeLessThan(10_000);
  });
});

describe('the ingest handler on a key that holds an address', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ingest-redaction-'));
    await mkdir(join(dir, 'uploads', 'incoming'), { recursive: true });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('logs the key with the local part hashed: handled, rejected and failed alike; the index keeps the key', async () => {
    // Prepare: an article and a rejected file named after people, and a store that fails on a third, quoting its key.
    const uploads = join(dir, 'uploads');
    const article = 'incoming/jane.doe@example.com.md';
    const rejected = 'incoming/Bob.Smith@example.org notes.pdf';
    const failing = 'incoming/carol@example.net.txt';
    await writeFile(
      join(uploads, article),
      '# Council approves budget\n\nThe council approved the budget on Tuesday after a long debate.\n',
    );
    await writeFile(join(uploads, rejected), 'not an article');
    await writeFile(join(uploads, failing), 'Story\n\nA sentence of the story.\n');
    const local = new LocalUploadedObjects(uploads);
    const objects: UploadedObjects = {
      head: async (key) => {
        if (key === failing) throw new Error(`cannot read ${key}: the disk is gone`);
        return local.head(key);
      },
      read: (head) => local.read(head),
    };
    const index = new LocalArticleIndex(join(dir, 'index.json'));
    const { log, metrics, lines } = recordingObservability();
    const handler = createIngestQueueHandler({
      ingest: new UploadIngest(objects, new LocalNormalisedArticles(join(dir, 'articles')), index),
      bucket: LOCAL_BUCKET,
      log,
      metrics,
    });

    // Act
    const response = await handler(
      localS3QueueEvent([article, rejected, failing].map((key) => ({ kind: 'created', key }))),
    );

    // Assess: no address in any line; each object still named, by its hashed local part, domain and the rest.
    const logged = lines.join('\n');
    expect(response.batchItemFailures).toHaveLength(1);
    for (const address of ['jane.doe@example.com', 'Bob.Smith@example.org', 'carol@example.net'])
      expect(logged).not.toContain(address);
    const byMessage = lines.map((line) => JSON.parse(line) as Record<string, string>);
    expect(byMessage.find((l) => l.message === 'object handled')?.objectId).toBe(
      `s3://${LOCAL_BUCKET}/incoming/[sha256:${sha8('jane.doe')}]@example.com.md`,
    );
    expect(byMessage.find((l) => l.message === 'object rejected')?.objectId).toBe(
      `s3://${LOCAL_BUCKET}/incoming/[sha256:${sha8('Bob.Smith')}]@example.org notes.pdf`,
    );
    const failed = byMessage.find((l) => l.message === 'message failed; it will be retried');
    expect(failed?.objectId).toBe(`s3://${LOCAL_BUCKET}/incoming/[sha256:${sha8('carol')}]@example.net.txt`);
    expect(failed?.detail).toBe(
      `cannot read incoming/[sha256:${sha8('carol')}]@example.net.txt: the disk is gone`,
    );
    const stored = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
    expect(JSON.stringify(stored)).toContain(article);
  });
});
