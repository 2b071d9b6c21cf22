import { describe, expect, it } from 'vitest';
import { SubscriberRejectedError } from '../../src/core/errors.ts';
import { parseImportCsv, subscribersToCsv } from '../../src/core/subscribers/csv.ts';
import { rateLimitedClient } from '../../src/core/subscribers/service.ts';
import {
  asciiEmail,
  createSubscriber,
  hashedAddress,
  keyedHasher,
  legacyAddressHash,
  mailboxOf,
  normaliseEmail,
  receivesMail,
  transition,
} from '../../src/core/subscribers/subscriber.ts';

const NOW = new Date('2026-11-23T09:00:00Z');

describe('subscriber model', () => {
  it('lower-cases the domain, keeps the local part, handles internationalised domains', () => {
    expect(normaliseEmail('  Ada.L@Example.ORG ')).toBe('Ada.L@example.org');
    expect(normaliseEmail('lin@Bücher.Example')).toBe('lin@bücher.example');
    expect(normaliseEmail('lin@xn--bcher-kva.example')).toBe('lin@bücher.example');
    expect(asciiEmail('lin@bücher.example')).toBe('lin@xn--bcher-kva.example');
  });

  it('rejects what is not an address, naming the record', () => {
    for (const bad of [
      '',
      'plain',
      '@example.org',
      'a@',
      'a b@example.org',
      'a@localhost',
      'a@exa mple.org',
      '.a@x.org',
    ]) {
      expect(() => normaliseEmail(bad, 'line 7')).toThrow(SubscriberRejectedError);
      expect(() => normaliseEmail(bad, 'line 7')).toThrow(/^line 7: /);
    }
  });

  it('hashes addresses with a key, so that capitals do not escape the suppression list and no dictionary reverses them', () => {
    const hash = keyedHasher(Buffer.from('hash-key-0123456789abcdefghijklmnopqrstuvwxyz'));
    const other = keyedHasher(Buffer.from('another-key-0123456789abcdefghijklmnopqrstuv'));
    expect(hashedAddress(hash, 'Ada@example.org')).toEqual(hashedAddress(hash, 'ada@example.org'));
    expect(hashedAddress(hash, 'ada@example.org').hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashedAddress(hash, 'ada@example.org').hash).not.toBe(
      hashedAddress(other, 'ada@example.org').hash,
    );
    // The unkeyed SHA-256 (anyone can compute it from a list of addresses) is only what older records carry.
    expect(hashedAddress(hash, 'ada@example.org').hash).not.toBe(legacyAddressHash('ada@example.org'));
    expect(hashedAddress(hash, 'ada@example.org').legacy).toBe(legacyAddressHash('Ada@example.org'));
  });

  it('creates a random id that is not derived from the address, pending until confirmed', () => {
    const input = { email: 'ada@example.org', consent: { source: 'form' as const, at: NOW.toISOString() } };

    const a = createSubscriber({ ...input, confirmed: false, topics: [' AI ', 'ai', ''] }, NOW);
    const b = createSubscriber({ ...input, confirmed: true }, NOW);

    expect(a.id).not.toBe(b.id);
    expect(a.id).not.toContain('ada');
    expect(a).toMatchObject({ status: 'pending', topics: ['ai'], createdAt: NOW.toISOString() });
    expect(b.status).toBe('active');
  });

  it('allows only the documented transitions, and the same status is a no-op', () => {
    const active = createSubscriber(
      { email: 'a@example.org', consent: { source: 'cli', at: NOW.toISOString() }, confirmed: true },
      NOW,
    );
    const later = new Date(NOW.getTime() + 1000);

    const complained = transition(active, 'complained', later);

    expect(receivesMail(active)).toBe(true);
    expect(receivesMail(complained)).toBe(false);
    expect(transition(active, 'active', later)).toBe(active);
    expect(complained).toMatchObject({ status: 'complained', changedAt: later.toISOString() });
    expect(() => transition(complained, 'active', later)).toThrow('cannot go from complained to active');
    expect(transition(complained, 'pending', later).status).toBe('pending');
  });
});

describe('the mailbox a per-address limit counts', () => {
  it('is the address without its subaddress', () => {
    expect(mailboxOf('lin+news@bücher.example')).toBe('lin@bücher.example');
    expect(mailboxOf('lin+a+b@example.org')).toBe('lin@example.org');
    expect(mailboxOf('ada@example.org')).toBe('ada@example.org');
    // A local part that is all subaddress, or a + in no local part, is left as it is.
    expect(mailboxOf('+news@example.org')).toBe('+news@example.org');
  });
});

describe('the client a signup limit counts', () => {
  it('is an IPv4 address as it is, and the /64 of an IPv6 one, however it is written', () => {
    expect(rateLimitedClient('198.51.100.23')).toBe('198.51.100.23');
    expect(
      [
        '2001:db8:5:6::1',
        '2001:0DB8:0005:0006:ffff:0:0:9',
        '2001:db8:5:6:1:2:198.51.100.1',
        '2001:db8:5:6::',
      ].map(rateLimitedClient),
    ).toEqual(Array(4).fill('2001:db8:5:6::/64'));
    expect(rateLimitedClient('2001:db8:5:7::1')).toBe('2001:db8:5:7::/64');
    // An IPv4 client seen through an IPv6 socket is that IPv4 address.
    expect(rateLimitedClient('::ffff:198.51.100.23')).toBe('198.51.100.23');
    expect(rateLimitedClient('::FFFF:c633:6417')).toBe('198.51.100.23');
  });
});

describe('subscriber CSV', () => {
  it('refuses rows of an exported unsubscribed person, keeping the good rows', () => {
    const csv = 'email,status\na@example.org,active\nb@example.org,unsubscribed\n';

    const parsed = parseImportCsv(csv, 'x.csv', { consented: false, now: NOW });

    expect(parsed.rows.map((r) => [r.line, r.subscriber.email])).toEqual([[2, 'a@example.org']]);
    expect(parsed.problems).toEqual([
      { line: 3, reason: 'status is unsubscribed; only active or pending rows are imported' },
    ]);
  });

  it('takes consent from --consented, the consent column or consent_at, and refuses a future consent', () => {
    const csv =
      'email,consent,consent_at\na@example.org,,\nb@example.org,yes,\nc@example.org,,2026-01-01T00:00:00Z\nd@example.org,,2027-01-01T00:00:00Z\n';

    const plain = parseImportCsv(csv, 'x.csv', { consented: false, now: NOW });
    const all = parseImportCsv(csv, 'x.csv', { consented: true, now: NOW });

    expect(plain.rows.map((r) => r.subscriber.confirmed)).toEqual([false, true, true]);
    expect(plain.rows[2]?.subscriber.consent).toEqual({ source: 'import', at: '2026-01-01T00:00:00.000Z' });
    expect(plain.problems).toEqual([{ line: 5, reason: 'consent_at is in the future' }]);
    expect(all.rows.map((r) => r.subscriber.confirmed)).toEqual([true, true, true]);
  });

  it('names the file when the header has no email column or an unknown one', () => {
    const options = { consented: false, now: NOW };

    expect(() => parseImportCsv('name\nAda\n', 'people.csv', options)).toThrow(
      'people.csv: the header row has no "email" column',
    );
    expect(() => parseImportCsv('email,colour\na@example.org,red\n', 'people.csv', options)).toThrow(
      'people.csv: unknown column colour in the header row',
    );
  });

  it('exports a header and one row per subscriber', () => {
    const s = createSubscriber(
      {
        email: 'a@example.org',
        name: '+1 caller',
        consent: { source: 'cli', at: NOW.toISOString() },
        confirmed: true,
      },
      NOW,
    );

    const lines = subscribersToCsv([s]).trim().split('\n');

    expect(lines[0]).toBe(
      'id,email,name,status,consent_source,consent_at,created_at,changed_at,topics,topics_only,time_zone',
    );
    expect(lines[1]).toBe(
      `${s.id},a@example.org,'+1 caller,active,cli,${NOW.toISOString()},${NOW.toISOString()},${NOW.toISOString()},,no,`,
    );
  });
});
