import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { DigestError, SubscriberRejectedError } from '../errors.ts';
import { type NewSubscriber, normaliseEmail, type Subscriber } from './subscriber.ts';

/** One importable row, with its line number for messages. */
export interface ImportRow {
  line: number;
  subscriber: NewSubscriber;
}

export interface ImportProblem {
  line: number;
  reason: string;
}

export interface ParsedImport {
  rows: ImportRow[];
  problems: ImportProblem[];
}

export interface ImportOptions {
  /** Treat every row as consented (the operator holds the proof). */
  consented: boolean;
  now: Date;
}

const KNOWN_COLUMNS = ['email', 'name', 'topics', 'time_zone', 'consent', 'consent_at', 'status'];
const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['', 'no', 'n', 'false', '0']);

/**
 * Reads an import CSV with a header row. Columns: email (required), name, topics (separated by
 * `;`), time_zone, consent (yes/no), consent_at (ISO instant, implies consent), status (rows whose
 * status is not active or pending are refused, so an export cannot re-activate unsubscribed people).
 * Every bad row is reported with its line number and reason; the good rows are kept.
 */
export function parseImportCsv(text: string, file: string, options: ImportOptions): ParsedImport {
  const problems: ImportProblem[] = [];
  let records: { info: { lines: number }; record: Record<string, string> }[];
  let header: string[] = [];
  try {
    records = parse(text, {
      columns: (names: string[]) => {
        header = names.map((h) => h.trim().toLowerCase());
        return header;
      },
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        if (error) problems.push({ line: Number(error.lines), reason: error.message });
      },
    });
  } catch (cause) {
    throw new DigestError(`${file}: not a readable CSV file`, { cause });
  }
  if (!header.includes('email')) throw new DigestError(`${file}: the header row has no "email" column`);
  const unknown = header.filter((name) => !KNOWN_COLUMNS.includes(name));
  if (unknown.length > 0)
    throw new DigestError(`${file}: unknown column ${unknown.join(', ')} in the header row`);
  const rows: ImportRow[] = [];
  const seen = new Map<string, number>();
  for (const { info, record } of records) {
    const line = info.lines;
    if (!('email' in record)) throw new DigestError(`${file}: the header row has no "email" column`);
    try {
      const unknown = Object.keys(record).filter((k) => !KNOWN_COLUMNS.includes(k));
      if (unknown.length > 0)
        throw new SubscriberRejectedError(`line ${line}`, `unknown column ${unknown.join(', ')}`);
      const subscriber = importRow(record, `line ${line}`, options);
      const key = subscriber.email.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined)
        throw new SubscriberRejectedError(`line ${line}`, `same address as line ${first}`);
      seen.set(key, line);
      rows.push({ line, subscriber });
    } catch (error) {
      if (!(error instanceof SubscriberRejectedError)) throw error;
      problems.push({ line, reason: error.reason });
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return { rows, problems };
}

function importRow(record: Record<string, string>, where: string, options: ImportOptions): NewSubscriber {
  const email = normaliseEmail(record.email ?? '', where);
  const status = (record.status ?? '').toLowerCase();
  if (status !== '' && status !== 'active' && status !== 'pending') {
    throw new SubscriberRejectedError(where, `status is ${status}; only active or pending rows are imported`);
  }
  const consentFlag = (record.consent ?? '').toLowerCase();
  if (!YES.has(consentFlag) && !NO.has(consentFlag)) {
    throw new SubscriberRejectedError(where, `consent "${record.consent}" is not yes or no`);
  }
  let consentAt = options.now;
  if (record.consent_at) {
    consentAt = new Date(record.consent_at);
    if (Number.isNaN(consentAt.getTime())) {
      throw new SubscriberRejectedError(
        where,
        `consent_at "${record.consent_at}" is not an ISO 8601 instant`,
      );
    }
    if (consentAt > options.now) throw new SubscriberRejectedError(where, 'consent_at is in the future');
  }
  const timeZone = record.time_zone || undefined;
  if (timeZone && !isTimeZone(timeZone))
    throw new SubscriberRejectedError(where, `unknown time zone "${timeZone}"`);
  const confirmed = options.consented || YES.has(consentFlag) || Boolean(record.consent_at);
  return {
    email,
    ...(record.name ? { name: record.name } : {}),
    topics: (record.topics ?? '').split(';'),
    ...(timeZone ? { timeZone } : {}),
    consent: { source: 'import', at: consentAt.toISOString() },
    confirmed,
  };
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const EXPORT_COLUMNS = [
  'id',
  'email',
  'name',
  'status',
  'consent_source',
  'consent_at',
  'created_at',
  'changed_at',
  'topics',
  'topics_only',
  'time_zone',
];

/**
 * A CSV of the subscribers. Every cell that a spreadsheet would run as a formula is quoted with ' (OWASP CSV
 * injection): the address too, whose local part may start with - or + and hold | or !.
 */
export function subscribersToCsv(subscribers: Iterable<Subscriber>): string {
  const rows = [...subscribers].map((s) =>
    [
      s.id,
      s.email,
      s.name ?? '',
      s.status,
      s.consent.source,
      s.consent.at,
      s.createdAt,
      s.changedAt,
      s.topics.join(';'),
      s.topicsOnly ? 'yes' : 'no',
      s.timeZone ?? '',
    ].map(spreadsheetSafe),
  );
  return stringify([EXPORT_COLUMNS, ...rows]);
}

function spreadsheetSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
