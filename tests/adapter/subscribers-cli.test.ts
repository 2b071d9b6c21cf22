import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { registerSubscribers } from '../../src/cli/commands/subscribers.ts';
import { UsageError } from '../../src/core/errors.ts';
import { runDigestInProcess } from '../support/cli-in-process.ts';
import { KEY_SECRET, mailsTo, SENDER, subscriberStack } from '../support/subscribers.ts';

const IMPORT_CSV = new URL('../fixtures/subscribers/import.csv', import.meta.url).pathname;

describe('digest subscribers against moto', () => {
  let stack: Awaited<ReturnType<typeof subscriberStack>>;
  let connection: string[];

  beforeAll(async () => {
    stack = await subscriberStack('cli', KEY_SECRET);
    connection = ['--table', stack.table, '--endpoint', inject('motoEndpoint'), '--region', 'us-east-1'];
    connection.push(
      '--key-secret',
      stack.secretArn,
      '--hash-key-secret',
      stack.hashKeyArn,
      '--from',
      SENDER,
      '--link-base',
      'https://subscribe.example.org',
    );
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  /** Runs `digest subscribers …` in-process and returns what it printed. */
  function digest(...args: string[]) {
    return runDigestInProcess([registerSubscribers], ['subscribers', ...connection, ...args]);
  }

  it('imports good rows, reports each bad row with its line, mails the unconsented, blocks erased addresses', async () => {
    // prepare
    await digest('delete', 'erased@import.example.net');

    // act
    const run = await digest('import', IMPORT_CSV);
    const listed = await digest('list', '--json');

    // assess
    expect(run.err).toEqual([
      `${IMPORT_CSV}:4: is not an email address`,
      `${IMPORT_CSV}:5: same address as line 2`,
      `${IMPORT_CSV}:7: unknown time zone "Mars/Olympus"`,
      `${IMPORT_CSV}:8: consent "perhaps" is not yes or no`,
      `${IMPORT_CSV}:9: address was erased on request and is on the suppression list`,
      `${IMPORT_CSV}:10: Invalid Record Length: columns length is 6, got 7 on line 10`,
    ]);
    expect(run.error).toBeInstanceOf(UsageError);
    expect(run.out).toEqual(['3 active, 1 pending-confirmation-sent; 6 rows refused']);
    const subscribers = listed.out.map((line) => JSON.parse(line));
    expect(subscribers.map((s) => [s.email, s.status]).sort()).toEqual([
      ['=cmd@import.example.net', 'active'],
      ['ada@import.example.net', 'active'],
      ['grace@import.example.net', 'pending'],
      ['lin@bücher.example', 'active'],
    ]);
    const ada = subscribers.find((s) => s.email === 'ada@import.example.net');
    expect(ada).toMatchObject({
      topics: ['ai', 'chips'],
      timeZone: 'Europe/London',
      consent: { source: 'import' },
    });
    const [mail] = await mailsTo('grace@import.example.net');
    expect(mail?.text).toContain('https://subscribe.example.org/confirm?token=v1.k2.');
  });

  it('exports every subscriber to CSV with formula cells defused, the address included', async () => {
    // prepare: an address a spreadsheet would run as a formula (DDE).
    const file = join(await mkdtemp(join(tmpdir(), 'subscribers-')), 'export.csv');
    const formula = "-2+3+cmd|'/Ccalc'!A0@example.com";
    const added = await digest('add', '--consented', '--', formula);

    // act
    const run = await digest('export', file);
    const rows: Record<string, string>[] = parse(await readFile(file, 'utf8'), { columns: true });

    // assess
    expect(added.out).toEqual([`${formula}: active`]);
    expect(run.out).toEqual([`5 subscribers written to ${file}`]);
    expect(rows.map((r) => r.email).sort()).toEqual([
      `'${formula}`,
      "'=cmd@import.example.net",
      'ada@import.example.net',
      'grace@import.example.net',
      'lin@bücher.example',
    ]);
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(rows.find((r) => r.email === "'=cmd@import.example.net")?.name).toBe(`'=HYPERLINK("http://x")`);
    expect(rows.find((r) => r.email === 'ada@import.example.net')).toMatchObject({
      status: 'active',
      consent_source: 'import',
      topics: 'ai;chips',
    });
  });

  it('writes the export readable by its owner only, also over a file others could read', async () => {
    // prepare: a file left readable by everyone (an older export, a shared folder, a name planted in /tmp).
    const folder = await mkdtemp(join(tmpdir(), 'subscribers-'));
    const fresh = join(folder, 'fresh.csv');
    const existing = join(folder, 'existing.csv');
    await writeFile(existing, 'old\n', { mode: 0o644 });

    // act
    await digest('export', fresh);
    await digest('export', existing);

    // assess
    const mode = async (file: string) => (await stat(file)).mode & 0o777;
    expect(await mode(fresh)).toBe(0o600);
    expect(await mode(existing)).toBe(0o600);
    expect(await readFile(existing, 'utf8')).toMatch(/^id,email,/);
  });

  it('deletes a person, keeps only a hash, and refuses to import or add them again', async () => {
    // act
    const erased = await digest('delete', 'ada@Import.Example.Net');
    const listed = await digest('list');
    const readd = await digest('add', 'ada@import.example.net', '--consented');
    const reimport = await digest('import', IMPORT_CSV);

    // assess
    expect(erased.out).toEqual(['ada@Import.Example.Net: erased and suppressed']);
    expect(listed.out.join('\n')).not.toContain('ada@import.example.net');
    expect(readd.error).toBeInstanceOf(Error);
    expect(String(readd.error)).toContain('suppression list');
    expect(reimport.err).toContain(
      `${IMPORT_CSV}:2: address was erased on request and is on the suppression list`,
    );
  });

  it('adds with consent as active, removes as unsubscribed, and refuses an unconsented add without mail settings', async () => {
    // act
    const added = await digest('add', 'cli@import.example.net', '--consented', '--topics', 'space,Rockets');
    const removed = await digest('remove', 'cli@import.example.net');
    const status = await digest('list', '--status', 'unsubscribed');
    // No mail settings; the suppression list's key stays (every add checks it).
    connection = [...connection.slice(0, 6), '--hash-key-secret', stack.hashKeyArn];
    const unmailable = await digest('add', 'nomail@import.example.net');

    // assess
    expect(added.out).toEqual(['cli@import.example.net: active']);
    expect(removed.out).toEqual(['cli@import.example.net: unsubscribed']);
    expect(status.out).toHaveLength(1);
    expect(status.out[0]).toMatch(/\tcli@import\.example\.net\tunsubscribed\tspace;rockets$/);
    expect(String(unmailable.error)).toContain(
      'has no recorded consent and no confirmation mail can be sent',
    );
  });
});
