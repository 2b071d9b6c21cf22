import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { templateFolder } from '../../src/adapters/template-folder.ts';
import { printSendReport, registerSend, sendTestCopy } from '../../src/cli/commands/send.ts';
import { RENDERING_FILE } from '../../src/core/render/archive.ts';
import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { encodeTagValue } from '../../src/core/sending/tags.ts';
import { TokenSigner } from '../../src/core/signed-links.ts';
import { createSubscriber, transition } from '../../src/core/subscribers/subscriber.ts';
import { runDigestInProcess } from '../support/cli-in-process.ts';
import { busyDigest } from '../support/digests.ts';
import { pendingDigest } from '../support/review-digest.ts';
import { keptRendering, LINK_BASE, sendingStack } from '../support/sending.ts';
import { KEY_SECRET, mailsTo, SENDER, subscriberStack } from '../support/subscribers.ts';

describe('digest status and digest send-test against moto', () => {
  let subscribers: Awaited<ReturnType<typeof subscriberStack>>;
  let sending: Awaited<ReturnType<typeof sendingStack>>;
  let connection: string[];

  beforeAll(async () => {
    subscribers = await subscriberStack('send-cli', KEY_SECRET);
    sending = await sendingStack(subscribers, busyDigest(2));
    connection = ['--endpoint', inject('motoEndpoint'), '--region', 'us-east-1'];
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  /** What `work` printed. */
  async function printed(work: () => Promise<void>): Promise<string> {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    await work();
    log.mockRestore();
    return out.join('\n');
  }

  /** Runs `digest …` in-process and returns what it printed; a failure fails the test. */
  async function digest(...args: string[]) {
    const { out, error } = await runDigestInProcess([registerSend], [...args, ...connection]);
    if (error) throw error;
    return out.join('\n');
  }

  /** The deployed sender identity flags every send-test below passes. */
  const identity = () => [
    '--from',
    SENDER,
    '--from-name',
    'Morning Brief',
    '--key-secret',
    subscribers.secretArn,
    '--link-base',
    LINK_BASE,
    '--list-id',
    'morning.news.example.org',
  ];

  it("reports a digest's sending from its ledger rows and the subscribers as they are now", async () => {
    // prepare
    const digestId = `${sending.digestId}-status`;
    const now = new Date();
    const people = ['sent', 'left', 'failed', 'stuck', 'abandoned'].map((name) =>
      createSubscriber(
        {
          email: `${name}-${Date.now()}@mail.example.com`,
          consent: { source: 'cli', at: now.toISOString() },
          confirmed: true,
        },
        now,
      ),
    );
    const [sent, left, failed, stuck, abandoned] = people.map((p) => ({ digestId, subscriberId: p.id }));
    for (const person of people) await subscribers.repository.create(person);
    for (const key of [sent, left, failed, stuck, abandoned]) {
      const claimId = key && (await sending.ledger.claim(key, 'hash', new Date(now.getTime() - 1), now));
      // Every claim but the abandoned one got as far as its send.
      if (key && claimId && key !== abandoned) await sending.ledger.startSend(key, claimId, now);
    }
    if (sent && left && failed) {
      await sending.ledger.markSent(sent, 'ses-1', now);
      await sending.ledger.markSent(left, 'ses-2', now);
      await sending.ledger.markFailed(failed, 'SES MessageRejected', now);
    }
    const leaver = people[1];
    if (leaver) await subscribers.repository.put(transition(leaver, 'unsubscribed', now));

    // act: `digest status <digestId> --ledger-table … --subscriber-table …` prints this after the record
    const options = {
      ledgerTable: sending.ledgerTable,
      subscriberTable: subscribers.table,
      endpoint: inject('motoEndpoint'),
      region: 'us-east-1',
    };
    const json = await printed(() => printSendReport(digestId, { ...options, json: true }));
    const text = await printed(() => printSendReport(digestId, options));

    // assess
    expect(JSON.parse(json)).toMatchObject({
      digestId,
      sent: 2,
      failed: 1,
      unknown: 1,
      abandoned: 1,
      unsubscribed: 1,
      bounced: 0,
    });
    expect(text).toMatch(/unknown\s+1/);
    expect(text).toMatch(/abandoned\s+1/);
  });

  it('sends one test copy to an editor, with working links and without touching the ledger', async () => {
    // prepare: the archived digest.json has the rendering.json the digest Lambda keeps beside it (sendingStack).
    const editor = `editor-${Date.now()}@news.example.org`;

    // act
    const printed = await digest(
      'send-test',
      sending.digestId,
      '--to',
      editor,
      '--bucket',
      sending.bucket,
      '--digest-key',
      sending.digestKey,
      ...identity(),
    );

    // assess
    const mails = await mailsTo(editor);
    expect(mails).toHaveLength(1);
    expect(printed).toContain(`sent a test copy of ${sending.digestId}`);
    expect(mails[0]?.headers.get('x-digest-id')).toBe(encodeTagValue(sending.digestId));
    const list = mails[0]?.headers.get('list') as { unsubscribe: { url: string } } | undefined;
    const url = list?.unsubscribe.url ?? '';
    const token = new URL(url).searchParams.get('token') ?? '';
    expect(
      (await new TokenSigner(subscribers.keys).verify(token, 'unsubscribe', new Date())).subscriberId,
    ).toBe('send-test');
    const rows = [];
    for await (const row of sending.ledger.entries(sending.digestId)) rows.push(row);
    expect(rows).toEqual([]);
    expect(mails[0]?.text).toContain('12 Quay Street');
  });

  it('sends a pending digest as edited: the test copy is what its approve would send', async () => {
    // prepare: the archive holds the digest as built until it is approved; the record holds the edit.
    const { r, d, digestId, editor } = await pendingDigest();
    await editor().edit(digestId, { kind: 'subject', text: 'Edited before the approve' }, 'ana');
    const to = `editor-${Date.now()}@news.example.org`;

    // act
    await digest(
      'send-test',
      digestId,
      '--to',
      to,
      '--bucket',
      r.bucket,
      '--digests-table',
      d.digestsTable,
      ...identity(),
    );

    // assess
    const mails = await mailsTo(to);
    expect(mails.map((m) => m.subject)).toEqual(['Edited before the approve']);
  });

  it('sends the studio’s test copy with the rendering the studio shows, not local --settings', async () => {
    // prepare: the deployed digest's own settings and templates (the studio's EditorRendering).
    const to = `studio-${Date.now()}@news.example.org`;
    const rendering = {
      settings: parseEmailSettings({ footer: { postalAddress: ['Morning Brief Ltd', '12 Quay Street'] } }),
      templates: templateFolder(),
    };
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');

    // act: a --settings file that does not exist is not read.
    await sendTestCopy(sending.digestId, busyDigest(2), {
      to,
      from: SENDER,
      fromName: 'Morning Brief',
      keySecret: subscribers.secretArn,
      linkBase: LINK_BASE,
      listId: 'morning.news.example.org',
      endpoint: inject('motoEndpoint'),
      region: 'us-east-1',
      settings: 'no-such-settings.json',
      rendering,
    });

    // assess
    const mails = await mailsTo(to);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain('Morning Brief Ltd');
    expect(mails[0]?.text).not.toContain('1 Example Street');
  });

  it('renders the test copy with the email settings kept beside the archive, as approve does', async () => {
    // prepare: a pending digest whose digest Lambda ran with the deployed name and address (rendering.json).
    const { r, d, digestId, cloud } = await pendingDigest();
    const prefix = (await cloud.records.get(digestId))?.archivePrefix ?? '';
    await r.s3.send(
      new PutObjectCommand({
        Bucket: r.bucket,
        Key: `${prefix}${RENDERING_FILE}`,
        Body: await keptRendering({
          footer: { postalAddress: ['Harbour Weekly Ltd', '7 Pier Road'] },
        }),
      }),
    );
    const to = `kept-${Date.now()}@news.example.org`;

    // act: no --settings, no --templates
    const { out, err, error } = await runDigestInProcess(
      [registerSend],
      ['send-test', digestId, '--to', to, '--bucket', r.bucket, '--digests-table', d.digestsTable]
        .concat(identity())
        .concat(connection),
    );

    // assess
    expect(error).toBeUndefined();
    expect(out.join('\n')).toContain(`sent a test copy of ${digestId}`);
    expect(err).toEqual([]);
    const mails = await mailsTo(to);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain('7 Pier Road');
    expect(mails[0]?.text).not.toContain('1 Example Street');
  });

  it('refuses a digest without rendering.json unless --settings is given, which it notes', async () => {
    // prepare: a pending digest archived before the digest Lambda kept its settings.
    const { r, d, digestId, cloud } = await pendingDigest();
    const prefix = (await cloud.records.get(digestId))?.archivePrefix ?? '';
    await r.s3.send(new DeleteObjectCommand({ Bucket: r.bucket, Key: `${prefix}${RENDERING_FILE}` }));
    const settingsFile = join(await mkdtemp(join(tmpdir(), 'send-test-settings-')), 'email.json');
    await writeFile(
      settingsFile,
      JSON.stringify({ footer: { postalAddress: ['Other Ltd', '9 Other Road'] } }),
    );
    const refusedTo = `refused-${Date.now()}@news.example.org`;
    const to = `overridden-${Date.now()}@news.example.org`;
    const args = (address: string) =>
      ['send-test', digestId, '--to', address, '--bucket', r.bucket, '--digests-table', d.digestsTable]
        .concat(identity())
        .concat(connection);

    // act
    const refused = await runDigestInProcess([registerSend], args(refusedTo));
    const overridden = await runDigestInProcess([registerSend], [...args(to), '--settings', settingsFile]);

    // assess
    expect((refused.error as Error).message).toBe(
      `digest ${digestId} has no ${RENDERING_FILE} beside its archive (s3://${r.bucket}/${prefix}; a digest Lambda deployed before it kept the email settings it renders with built it): pass --settings FILE with the deployed email settings (and --templates DIR if the deployed templates are not this package’s)`,
    );
    expect(await mailsTo(refusedTo)).toEqual([]);
    expect(overridden.error).toBeUndefined();
    expect(overridden.err).toContain(
      `note: rendering digest ${digestId} with --settings ${settingsFile} instead of the email settings it was built with`,
    );
    const mails = await mailsTo(to);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain('9 Other Road');
  });
});
