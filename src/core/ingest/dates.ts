// Dates as news copy writes them: ISO stamps, "Saturday, January 8, 2005" datelines, "2005/01/08" prefixes.
import { isAsciiLetter } from '../text/chars.ts';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;
const WEEKDAY = String.raw`(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+`;
const LABEL = String.raw`(?:(?:date|dated|published|first published|posted|updated|last updated)(?:\s*:)?\s*)`;
const TIME = String.raw`(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}\b)?)`;
const DATE = String.raw`(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?|\d{4}/\d{1,2}/\d{1,2}|${MONTH}\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+${MONTH},?\s+\d{4})`;

/** A whole value that is a calendar day written with its month's name ("Saturday, January 8, 2005", "8 Jan 2005"). */
const NAMED_DATE = new RegExp(
  String.raw`^(?:${WEEKDAY})?(?:(${MONTH})\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})|(\d{1,2})(?:st|nd|rd|th)?\s+(${MONTH}),?\s+(\d{4}))$`,
  'i',
);
/** A date stamp at the start of a line, with its label, weekday and time of day. */
const LEADING_DATE_STAMP = new RegExp(`^${LABEL}?(?:${WEEKDAY})?(${DATE})${TIME}?`, 'i');

// Everything a "Posted: Nov 27, 2005 8:20 AM ET" or "updated 8:41 p. m. EST, Tue March 3, 2009" line is made of,
// one token at a time (sticky): a line is read token after token and given up at the first other character.
const TIMESTAMP_TOKEN = new RegExp(
  String.raw`\b(?:article|posted|published|updated|last|first|date|dated|on|at)\b|\b${WEEKDAY.replace(/\\s\+$/, '')}|\b${MONTH}|\b[ap]\.?\s?m\b\.?|\b(?:[ECMP][SD]?T|GMT|UTC|BST|CET|CEST|IST|PKT)\b|\d+(?:st|nd|rd|th|[ap]m)?|[\s\p{P}]`,
  'yiu',
);

/** A line that is only a publication stamp: dates, times, zones and words like "posted" or "updated". */
export function isTimestampLine(line: string): boolean {
  if (!/\d/.test(line)) return false;
  TIMESTAMP_TOKEN.lastIndex = 0;
  // Every token is at least one character long, so each step moves on.
  while (TIMESTAMP_TOKEN.lastIndex < line.length) if (!TIMESTAMP_TOKEN.test(line)) return false;
  return true;
}

/** What may follow a date stamp: the end, a separator or a capital glued to it ("2005Through a telethon"). */
const STAMP_END = /^(?:$|[\s,;:|—–-]|\p{Lu})/u;

export interface DateStamp {
  /** ISO 8601 form of the stamp, when it names a real calendar day. */
  iso?: string;
  /** The line with the stamp removed. */
  rest: string;
}

/**
 * Whether a LEADING_DATE_STAMP match can open `line`: with a digit, or with the first three letters, in either
 * case, of a label, weekday or month (each has three at least; under the `i` flag alone only ASCII letters match
 * them). Checked first: it turns away nearly every line ("The", "Mark") without running the pattern.
 */
function mayOpenDateStamp(line: string): boolean {
  const first = line.charCodeAt(0);
  return (first >= 48 && first <= 57) || DATE_STAMP_OPENINGS.has(openingKey(line));
}

/**
 * The first three characters of a line as one number, ASCII letters in lower case: what DATE_STAMP_OPENINGS holds,
 * found without the two strings a slice and its lower-case copy would make for every line. The same keys match:
 * beyond ASCII only the Kelvin sign lower-cases to one ASCII letter (k, in no key).
 */
function openingKey(text: string): number {
  let key = 0;
  for (let i = 0; i < 3; i++) {
    const code = text.charCodeAt(i);
    key = key * 0x10000 + (isAsciiLetter(code) ? code | 0x20 : code);
  }
  return key;
}

const DATE_STAMP_OPENINGS = new Set(
  'dat pub fir pos upd las mon tue wed thu fri sat sun jan feb mar apr may jun jul aug sep oct nov dec'
    .split(' ')
    .map(openingKey),
);

/** Finds a date stamp at the start of `line` ("date 2026-02-28 ...", "Saturday, January 8, 2005"). */
export function takeLeadingDateStamp(line: string): DateStamp | undefined {
  if (!mayOpenDateStamp(line)) return undefined;
  const match = LEADING_DATE_STAMP.exec(line);
  if (!match?.[1]) return undefined;
  const rest = line.slice(match[0].length);
  // The stamp must end at a separator or at a capital glued to it ("2005Through a telethon"), not mid-word.
  if (!STAMP_END.test(rest)) return undefined;
  return { iso: normalisePublished(match[1]), rest: rest.replace(/^[\s,;:|—–-]+/, '') };
}

/**
 * ISO 8601 form of a publication date, or undefined when it cannot be read. Stamps with a zone keep their
 * instant; calendar dates without one are taken as that day in UTC so the result never depends on the host.
 */
export function normalisePublished(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
      text,
    );
  if (iso) {
    const [, y, mo, d, h = '00', mi = '00', s = '00', zone] = iso;
    const offset = zone === undefined || zone === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    return calendarDay(Number(y), Number(mo), Number(d))
      ? toIso(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`)
      : undefined;
  }
  const slash = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(text);
  if (slash) return utcDay(Number(slash[1]), Number(slash[2]), Number(slash[3]));
  const named = NAMED_DATE.exec(text);
  if (named) {
    const month = monthNumber(named[1] ?? named[5] ?? '');
    const day = Number(named[2] ?? named[4]);
    return utcDay(Number(named[3] ?? named[6]), month, day);
  }
  // RFC 2822 and other stamps that carry their own zone ("Sat, 28 Feb 2026 10:00:00 +0500").
  if (/(?:Z|GMT|UTC|[+-]\d{2}:?\d{2})$/i.test(text)) return toIso(text);
  return undefined;
}

function monthNumber(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

function calendarDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function utcDay(year: number, month: number, day: number): string | undefined {
  return calendarDay(year, month, day) ? new Date(Date.UTC(year, month - 1, day)).toISOString() : undefined;
}

function toIso(text: string): string | undefined {
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
