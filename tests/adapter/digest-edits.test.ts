import { execFile, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { emailSettingsOf, parseStackConfig } from '../../infra/config.ts';
import { DynamoDbDigestRecords } from '../../src/adapters/dynamodb-digest-records.ts';
import { writeTemplateFiles } from '../../src/adapters/precompiled-template-folder.ts';
import { S3DigestArchive } from '../../src/adapters/s3-digest-archive.ts';
import { templateFolder } from '../../src/adapters/template-folder.ts';
import type { Digest } from '../../src/core/digest.ts';
import { applyEdits } from '../../src/core/edits.ts';
import { EditConflictError } from '../../src/core/errors.ts';
import { RENDERING_FILE, templateSources } from '../../src/core/render/archive.ts';
import { renderDigestEmail } from '../../src/core/render/email.ts';
import { precompileHandlebars } from '../../src/core/render/precompile.ts';
import { renderSampleEmail } from '../../src/core/render/sample.ts';
import { PLACEHOLDER_POSTAL_ADDRESS, parseEmailSettings } from '../../src/core/render/settings.ts';
import { compileTemplates, loadTemplates } from '../../src/core/render/templates.ts';
import { motoClientConfig } from '../support/aws.ts';
import {
  approvedMessages,
  createDigestResources,
  digestLambdaEnvironment,
} from '../support/digest-resources.ts';
import { createIngestResources, ingestHandler, upload } from '../support/ingest-resources.ts';
import { pendingDigest, reviewArticles } from '../support/review-digest.ts';
import { receiveAsLambdaEvent } from '../support/sqs-lambda.ts';

const run = promisify(execFile);
/** Each test starts the real command a few times; a busy CI machine takes seconds per start. */
const CLI_TIMEOUT = 240_000;
const settings = parseEmailSettings({});
const templates = await loadTemplates(templateFolder());

/** The real `digest` command in its own process, as an editor runs it. */
function digestCli(
  args: string[],
  names: { digestsTable: string; bucket: string; approvedQueueUrl?: string },
) {
  return run(process.execPath, ['bin/digest.js', ...args], { env: cliEnvironment(names) });
}

/** The environment an editor's `digest` command runs in, pointed at moto. */
function cliEnvironment(names: { digestsTable: string; bucket: string; approvedQueueUrl?: string }) {
  return {
    PATH: process.env.PATH,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_ENDPOINT_URL: motoClientConfig().endpoint,
    AWS_REGION: 'us-east-1',
    DIGESTS_TABLE: names.digestsTable,
    ARTICLES_BUCKET: names.bucket,
    ...(names.approvedQueueUrl && { APPROVED_QUEUE_URL: names.approvedQueueUrl }),
  };
}

/** One page of `digest preview --digest ID` (the studio on a deployed digest), read once it has started. */
async function studioPage(
  digestId: string,
  names: { digestsTable: string; bucket: string; approvedQueueUrl?: string },
  path: string,
): Promise<string> {
  const child = spawn(
    process.execPath,
    // `digest preview` reads no ARTICLES_BUCKET: `--bucket` alone means the stack's.
    ['bin/digest.js', 'preview', '--digest', digestId, '--bucket', names.bucket, '--no-open', '--port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: cliEnvironment(names) },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const read = (chunk: Buffer) => {
        output += chunk;
        const found = /preview at (http:\/\/\S+)/.exec(output)?.[1];
        if (found) resolve(found);
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', (code) => reject(new Error(`exit ${code}: ${output}`)));
    });
    const page = new URL(path, url);
    page.searchParams.set('token', new URL(url).searchParams.get('token') ?? '');
    return await (await fetch(page)).text();
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGINT');
      await exited;
    }
  }
}

/** The command's error line (Node may print warnings before it). */
function firstError(stderr: string): string | undefined {
  return stderr.split('\n').find((line) => line.startsWith('digest: '));
}

describe('editing a pending digest, against moto', () => {
  it(
    'records each edit with who and when; the archive keeps the digest as built until the approve renders it edited',
    async () => {
      // Prepare
      const { r, d, cloud, digestId, editor, archived } = await pendingDigest();
      const names = { digestsTable: d.digestsTable, bucket: r.bucket, approvedQueueUrl: d.approvedQueueUrl };
      const built = await archived('digest.json');
      const original = JSON.parse(await archived('digest.original.json')) as Digest;
      const second = original.themes[1];
      const alternative = original.themes[0]?.alternatives?.[0];
      if (!second || !alternative) throw new Error('the fixture digest needs two themes and alternatives');

      const editsStarted = Date.now();

      // Act: three edits through the command, the rest through the same core editor.
      const renamed = await digestCli(
        ['edit', digestId, 'rename', '2', 'Lohan leaves rehab', '--by', 'ana'],
        names,
      );
      const ben = editor();
      await ben.edit(digestId, { kind: 'drop-point', theme: original.themes[0]?.id ?? '', point: 2 }, 'ben');
      await digestCli(['edit', digestId, 'replace-point', '1', '1', '1'], names);
      await ben.edit(digestId, { kind: 'move', theme: second.id, to: 1 }, 'ben');
      await ben.edit(digestId, { kind: 'note', text: 'Two stories this week.' }, 'ben');
      await ben.edit(digestId, { kind: 'subject', text: 'Rehab, quakes and borders' }, 'ben');
      const listing = await digestCli(['edits', digestId], names);
      const whilePending = await archived('digest.json');
      await digestCli(['approve', digestId], names);

      // Assess
      const short = (text = '') => JSON.stringify(text.length > 60 ? `${text.slice(0, 59)}…` : text);
      const record = await cloud.records.get(digestId);
      const edits = record?.edits ?? [];
      expect(renamed.stdout).toBe(
        `${digestId} version 1: rename ${short(second.label)} to "Lohan leaves rehab"\n`,
      );
      expect(record?.editVersion).toBe(6);
      expect(edits.map((e) => e.by)).toEqual([
        'ana',
        'ben',
        expect.stringMatching(/^arn:aws:/),
        'ben',
        'ben',
        'ben',
      ]);
      // `at` is when each edit was made (the digest's generatedAt is its window's end, which may be later).
      expect(edits.every((e) => Date.parse(e.at) >= editsStarted - 1000)).toBe(true);
      const edited = applyEdits(
        original,
        edits.map((e) => e.edit),
      );
      expect(edited.themes[0]).toMatchObject({ id: second.id, label: 'Lohan leaves rehab', edited: true });
      expect(edited.themes[1]?.points[0]).toEqual({ ...alternative, edited: true });
      expect(edited.themes[1]?.points).toHaveLength((original.themes[0]?.points.length ?? 0) - 1);
      expect(whilePending).toBe(built);
      expect(JSON.parse(await archived('digest.json'))).toEqual(edited);
      // What the editor sees is what the core renders for the edited digest, byte for byte.
      const expected = await renderSampleEmail(edited, templates, settings);
      const page = await renderDigestEmail(edited, templates, settings, { webPage: true });
      expect(await archived('digest.html')).toBe(page.html);
      expect(await archived('digest.txt')).toBe(expected.text);
      const eml = await simpleParser(await archived('digest.eml'));
      expect(eml.subject).toBe('Rehab, quakes and borders');
      expect(eml.text).toContain('Two stories this week.');
      expect(listing.stdout).toContain('1. Lohan leaves rehab  (title edited)');
      expect(listing.stdout).toContain(`6. ${edits[5]?.at}  ben  subject "Rehab, quakes and borders"`);
      // Themes by the headline they had when edited (the renamed one by its new title), never by id.
      const firstTheme = original.themes[0];
      expect(listing.stdout).toContain(
        `2. ${edits[1]?.at}  ben  drop point 2 (${short(firstTheme?.points[1]?.text)}) of ${short(firstTheme?.label)}\n`,
      );
      expect(listing.stdout).toContain(`4. ${edits[3]?.at}  ben  move "Lohan leaves rehab" to position 1`);
      expect(listing.stdout.split('edits:')[1]).not.toMatch(/theme-/);
    },
    CLI_TIMEOUT,
  );

  it(
    'refuses bad edits with a clear error and changes nothing',
    async () => {
      // Prepare
      const { r, d, cloud, digestId, archived } = await pendingDigest();
      const names = { digestsTable: d.digestsTable, bucket: r.bucket };
      await digestCli(['edit', digestId, 'pin', '3', '--by', 'ana'], names);
      const before = { record: await cloud.records.get(digestId), json: await archived('digest.json') };

      // Act
      const attempts = [
        ['edit', 'digest-19990101T0000Z', 'pin', '2'],
        ['edit', digestId, 'drop', '9'],
        ['edit', digestId, 'drop-point', '1', '42'],
        ['edit', digestId, 'rename', '1', '   '],
        ['edit', digestId, 'shuffle', '1'],
        ['edit', digestId, 'pin', '2', '--expect-version', '0'],
        ['edit', digestId, 'move', '1', 'up'],
        ['edit', digestId, 'move', '5', 'down'],
      ].map((args) => digestCli([...args, '--by', 'ana'], names).catch((error) => error));
      const failures = await Promise.all(attempts);

      // Assess
      expect(failures.map((f) => [f.code, firstError(f.stderr)])).toEqual([
        [1, 'digest: digest digest-19990101T0000Z does not exist'],
        [1, 'digest: theme 9 is out of range (1 to 5)'],
        [
          1,
          expect.stringMatching(
            /^digest: edit 2 \(drop point 42 of "[^"]+"\): point 42 is out of range \(1 to \d\)$/,
          ),
        ],
        [1, 'digest: the title is empty'],
        [1, 'digest: unknown edit shuffle'],
        [1, `digest: digest ${digestId} is at version 1, not 0: someone else changed it; reload it`],
        [1, 'digest: theme 1 is already at the top'],
        [1, 'digest: theme 5 is already at the bottom'],
      ]);
      expect(await cloud.records.get(digestId)).toEqual(before.record);
      expect(await archived('digest.json')).toBe(before.json);
    },
    CLI_TIMEOUT,
  );

  it(
    'two editors at once: one edit wins, the other gets a reload error, none is lost',
    async () => {
      // Prepare
      const { cloud, digestId, editor } = await pendingDigest();
      const [ana, ben] = [editor(), editor()];
      const { digest } = await ana.open(digestId);
      const [first, second] = digest.themes;

      // Act
      const attempts = [
        { who: ana, by: 'ana', edit: { kind: 'rename', theme: first?.id ?? '', title: 'Ana’s title' } },
        { who: ben, by: 'ben', edit: { kind: 'drop-theme', theme: second?.id ?? '' } },
      ] as const;
      const results = await Promise.allSettled(
        attempts.map(({ who, by, edit }) => who.edit(digestId, edit, by, 0)),
      );
      // The loser reloads and makes the edit again.
      const loser = attempts[results.findIndex((x) => x.status === 'rejected')];
      const retried = await loser?.who.edit(digestId, loser.edit, loser.by);

      // Assess
      const rejected = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(rejected[0]?.reason).toBeInstanceOf(EditConflictError);
      expect(rejected[0]?.reason.message).toMatch(/someone else .*reload it/);
      const record = await cloud.records.get(digestId);
      expect(record?.editVersion).toBe(2);
      expect(record?.edits?.map((e) => e.by).sort()).toEqual(['ana', 'ben']);
      expect((await ana.open(digestId)).digest).toEqual(retried?.digest);
      expect(retried?.digest.themes.map((t) => t.label)).toContain('Ana’s title');
      expect(retried?.digest.themes.map((t) => t.id)).not.toContain(second?.id);
    },
    CLI_TIMEOUT,
  );

  it(
    'undo takes the last edit back; approve hands over the edited digest; a decided digest cannot be edited',
    async () => {
      // Prepare
      const { r, d, cloud, digestId, editor, archived } = await pendingDigest();
      const names = { digestsTable: d.digestsTable, bucket: r.bucket, approvedQueueUrl: d.approvedQueueUrl };
      const ana = editor();
      const { digest } = await ana.open(digestId);
      await ana.edit(digestId, { kind: 'rename', theme: digest.themes[0]?.id ?? '', title: 'Kept' }, 'ana');
      await ana.edit(digestId, { kind: 'note', text: 'Undone note' }, 'ana');

      // Act
      const undone = await digestCli(['undo', digestId], names);
      const approved = await digestCli(['approve', digestId], names);
      const late = await digestCli(['edit', digestId, 'note', 'too late', '--by', 'ana'], names).catch(
        (e) => e,
      );

      // Assess
      expect(undone.stdout).toBe(`${digestId} version 3: undid note "Undone note"\n`);
      expect(approved.stdout).toMatch(new RegExp(`${digestId} .* approved .* 1 edit$`, 'm'));
      expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId]);
      const sent = JSON.parse(await archived('digest.json')) as Digest;
      expect(sent.themes[0]?.label).toBe('Kept');
      expect(sent.intro).toBeUndefined();
      expect(late.stderr).toContain(`digest ${digestId} is approved; only a pending digest can be edited`);
      expect((await cloud.records.get(digestId))?.state).toBe('approved');
    },
    CLI_TIMEOUT,
  );

  it(
    'approve with no --settings renders the archive with the email settings and templates the digest Lambda used',
    async () => {
      // Prepare: the digest Lambda (functions/digest.ts) as deployed, with the stack's email settings
      // (cdk.json `email`, passed as infra/constructs/scheduled-digest.ts does) and its bundle's templates,
      // which differ from this package's by one line.
      const r = await createIngestResources();
      const d = await createDigestResources(r);
      for (const file of await reviewArticles()) await upload(r, `incoming/${file.name}`, file.bytes);
      await ingestHandler(r).handler(await receiveAsLambdaEvent(r.sqs, r.queueUrl));
      const config = parseStackConfig({ sending: { enabled: false }, email: DEPLOYED_EMAIL });
      const deployed = parseEmailSettings(emailSettingsOf(config));
      const sources = templateSources(await templateFolder().readAll());
      const footer = sources.get('partials/footer.txt.hbs') ?? '';
      sources.set('partials/footer.txt.hbs', `Deployed footer line.\n${footer}`);
      const page = sources.get('digest.html.hbs') ?? '';
      sources.set('digest.html.hbs', page.replace('</body>', '<p>Deployed page line.</p></body>'));
      const bundled = precompileHandlebars(sources);
      const templatesDir = await writeTemplateFiles(
        await mkdtemp(join(tmpdir(), 'digest-templates-')),
        bundled,
      );
      Object.assign(process.env, {
        ...digestLambdaEnvironment(r, d),
        SEND_MODE: 'review',
        TEMPLATES_DIR: templatesDir,
        EMAIL_SETTINGS: JSON.stringify(deployed),
      });
      const { handler } = await import('../../functions/digest.ts');
      const slot = new Date(Math.ceil((Date.now() + 1) / 60_000) * 60_000);
      const built = await handler({ scheduledTime: slot.toISOString() });
      const digestId = built.run?.digestId ?? '';
      const names = { digestsTable: d.digestsTable, bucket: r.bucket, approvedQueueUrl: d.approvedQueueUrl };
      const records = new DynamoDbDigestRecords(r.db, d.digestsTable);
      const archived = async (name: string) =>
        (await new S3DigestArchive(r.s3, r.bucket).get(
          (await records.get(digestId))?.archivePrefix ?? '',
          name,
        )) ?? '';
      await digestCli(['edit', digestId, 'rename', '1', 'Edited before approval', '--by', 'ana'], names);

      // Act
      const studioEmail = await studioPage(digestId, names, 'email.html');
      const approved = await digestCli(['approve', digestId], names);

      // Assess
      expect(built.run?.outcome).toBe('pending');
      expect((await records.get(digestId))?.state).toBe('approved');
      const edited = JSON.parse(await archived('digest.json')) as Digest;
      expect(edited.themes[0]?.label).toBe('Edited before approval');
      const html = await archived('digest.html');
      expect(html).toContain('Morning Brief Ltd<br>12 Quay Street<br>Galway H91 X2E0<br>Ireland');
      expect(html).toContain('Deployed page line.');
      expect(html).not.toContain('1 Example Street');
      expect(html).not.toContain(PLACEHOLDER_POSTAL_ADDRESS[0]);
      const text = await archived('digest.txt');
      expect(text).toContain('Deployed footer line.');
      expect(text).toContain(DEPLOYED_EMAIL.reason);
      expect(text).not.toContain('1 Example Street');
      // Byte for byte what the digest Lambda's templates and settings render for the edited digest.
      const lambdaTemplates = compileTemplates(bundled);
      expect(html).toBe((await renderDigestEmail(edited, lambdaTemplates, deployed, { webPage: true })).html);
      expect(text).toBe((await renderSampleEmail(edited, lambdaTemplates, deployed)).text);
      expect(approved.stderr).not.toContain('note:');
      // The studio on the digest shows the email as the Lambda renders it too.
      expect(studioEmail).toContain('Morning Brief Ltd<br>12 Quay Street');
      expect(studioEmail).toContain('Deployed page line.');
      expect(studioEmail).not.toContain('1 Example Street');
    },
    CLI_TIMEOUT,
  );

  it(
    'approve: --settings overrides the kept settings and says so; without them or --settings it refuses',
    async () => {
      // Prepare: two edited digests; one archived before the digest Lambda kept its settings (none beside it).
      const first = await pendingDigest();
      const second = await pendingDigest();
      const settingsFile = join(await mkdtemp(join(tmpdir(), 'digest-settings-')), 'email.json');
      await writeFile(
        settingsFile,
        JSON.stringify({ footer: { postalAddress: ['Other Ltd', '9 Other Road'] } }),
      );
      const prefixOf = async (p: typeof first) =>
        (await p.cloud.records.get(p.digestId))?.archivePrefix ?? '';
      await second.r.s3.send(
        new DeleteObjectCommand({
          Bucket: second.r.bucket,
          Key: `${await prefixOf(second)}${RENDERING_FILE}`,
        }),
      );
      const namesOf = (p: typeof first) => ({
        digestsTable: p.d.digestsTable,
        bucket: p.r.bucket,
        approvedQueueUrl: p.d.approvedQueueUrl,
      });
      for (const p of [first, second])
        await digestCli(['edit', p.digestId, 'note', 'Edited.', '--by', 'ana'], namesOf(p));

      // Act
      const overridden = await digestCli(
        ['approve', first.digestId, '--settings', settingsFile],
        namesOf(first),
      );
      const refused = await digestCli(['approve', second.digestId], namesOf(second)).catch((e) => e);

      // Assess
      expect(overridden.stderr).toContain(
        `note: rendering digest ${first.digestId} with --settings ${settingsFile} instead of the email settings it was built with`,
      );
      expect(await first.archived('digest.html')).toContain('Other Ltd<br>9 Other Road');
      const kept = JSON.parse(await first.archived(RENDERING_FILE));
      expect(kept.settings.footer.postalAddress).toEqual(['Other Ltd', '9 Other Road']);
      expect(refused.code).toBe(1);
      expect(firstError(refused.stderr)).toBe(
        `digest: digest ${second.digestId} has no ${RENDERING_FILE} beside its archive (s3://${second.r.bucket}/${await prefixOf(second)}; a digest Lambda deployed before it kept the email settings it renders with built it): pass --settings FILE with the deployed email settings (and --templates DIR if the deployed templates are not this package’s)`,
      );
      expect((await second.cloud.records.get(second.digestId))?.state).toBe('pending');
      expect(await approvedMessages(second.r, second.d)).toEqual([]);
    },
    CLI_TIMEOUT,
  );
});

/** The stack's `email` settings of docs/deploy.md. */
const DEPLOYED_EMAIL = {
  organisation: 'Morning Brief Ltd',
  postalAddress: ['12 Quay Street', 'Galway H91 X2E0', 'Ireland'],
  newsletterName: 'Morning Brief',
  reason: 'You receive this digest because you subscribed on morningbrief.example.',
};
