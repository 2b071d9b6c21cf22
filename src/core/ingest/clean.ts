// Removes the boilerplate wire copy carries around the story. Each rule names the noise it removes.
import { isAsciiLetter, isSpace } from '../text/chars.ts';
import { CJK, classAt } from '../text/fold.ts';
import { type Block, collapseWhitespace } from './blocks.ts';
import { isTimestampLine, takeLeadingDateStamp } from './dates.ts';

/** The news agencies and desks credited in wire copy, as alternatives of a pattern (a longer name first). */
export const AGENCY_NAMES =
  'Agencies|Agency|AFP|AP|Reuters|APP|PTI|IANS|ANI|UNI|Xinhua|dpa|DPA|EFE|ANSA|Anadolu Agency|Anadolu|AA|NNI|INP|Bloomberg|Online|Web Desk|News Desk|Monitoring Desk|Associated Press|Agence France-Presse';
const AGENCY = `(?:${AGENCY_NAMES})`;

/**
 * "ISLAMABAD:", "NEW YORK (Reuters) -", "KABUL, Jan 5 —": an upper-case place name opening the lead. Words
 * are separated by spaces only ("WINSTON-SALEM" is one word) so that a run like "AA-A-A-A" has one reading.
 */
const DATELINE = new RegExp(
  String.raw`^[A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]+){0,3}(?:,\s*[A-Z][A-Za-z.]+(?:\s+\d{1,2})?)?(?:\s*\(${AGENCY}\))?(?:\s*:|\s[—–-]{1,2})\s+(?=\S)`,
);
/** "(Reuters) -" opening a line. */
const LEADING_AGENCY = new RegExp(String.raw`^\(${AGENCY}\)\s*[—–:-]*\s*`);
/**
 * "–Agencies", "— AFP", "(Reuters)" closing a line. Each match starts at the character before its run of
 * spaces or dashes (kept by the replacement), so no run is scanned from more than one place.
 */
const TRAILING_AGENCY = new RegExp(
  String.raw`(^|[^\s—–-])\s*[—–-]+\s*${AGENCY}\.?$|(^|\S)\s*\(${AGENCY}\)\.?$`,
);
/**
 * The last word of every agency name ("Desk", "Presse"): a line ends with a TRAILING_AGENCY credit only when its
 * last run of letters, before a closing parenthesis and full stop, is one of these. Almost no line's is, and the
 * check costs the same on a long line as on a short one.
 */
const AGENCY_LAST_WORDS = new Set(AGENCY_NAMES.split('|').map((name) => name.split(/[ -]/).at(-1)));
/** The same in lower case, for AGENCY_LINE, which reads them in either case. */
const AGENCY_LAST_WORDS_LOWER = new Set([...AGENCY_LAST_WORDS].map((word) => word?.toLowerCase()));
const AGENCY_LINE = new RegExp(
  String.raw`^(?:[—–-]+\s*)?\(?(?:(?:with )?(?:input|inputs|additional reporting) from\s+)?${AGENCY}\)?\.?$`,
  'i',
);

/**
 * A rule for a line that is only noise. Its regular expression is tried only on a line that can match it, found
 * in constant time or with one native search: `opens` lists, in lower case, every character a match can start
 * the line with (the patterns read ASCII letters in either case, and nothing else as one), `needs` a character
 * every match contains, `ends` every finalWord a match leaves the line with, in lower case. Most lines of a story
 * pass none of them, and a regular expression call costs more than the checks together.
 */
interface NoiseRule {
  name: string;
  pattern: RegExp;
  opens?: string;
  needs?: string;
  ends?: ReadonlySet<string | undefined>;
  /** Never matches a block boundedBlocks found ordinary. */
  notInOrdinary?: true;
}

const NOISE_LINES: NoiseRule[] = [
  // "... in this undated photo.— PID/File", "(Photo: Reuters)", "Photo: AFP": one rule, three shapes.
  {
    name: 'photo caption',
    pattern:
      /\bin this (?:undated |file |handout |recent |combination |screen ?grab )?(?:photo|picture|image|photograph|file photo|screengrab)\b/i,
    notInOrdinary: true,
  },
  { name: 'photo caption', pattern: /[—–-][\w .]+\/(?:File|Handout)\b/i, needs: '/' },
  {
    name: 'photo caption',
    pattern: /^\(?(?:photo|image|picture|credit|file photo|photo credit)\s*:/i,
    opens: '(picf',
    needs: ':',
  },
  {
    name: 'related link',
    pattern: /^(?:related|read more|read also|also read|see also|more|watch|listen)\s*:/i,
    opens: 'rasmwl',
    needs: ':',
  },
  {
    name: 'share or subscribe prompt',
    pattern:
      /^(?:share\b|tweet\b|follow us\b|subscribe\b|sign up\b|click here\b|download (?:our|the) app\b|like us on\b|join (?:us|our)\b|tap here\b|get the latest\b|don'?t miss\b|advertisement$|copyright\b|©|all rights reserved\b|print$|email$)/i,
    opens: 'stfcdljgape©',
  },
  {
    name: 'reporting credit',
    pattern: /^(?:\(?(?:additional )?reporting by|editing by|writing by|compiled by)\b/i,
    opens: '(arewc',
  },
  {
    name: 'byline',
    pattern:
      /^(?:By|BY)\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and)){0,4}(?:\s*[,|]\s*[A-Z][\w '’-]{0,40})?$/,
    opens: 'b',
  },
  // Openers: the dashes, "(", "with", "input(s)", "additional" and the first letter of every AGENCY name.
  {
    name: 'agency credit',
    pattern: AGENCY_LINE,
    opens: '—–-(wiarpuxdenbom',
    ends: AGENCY_LAST_WORDS_LOWER,
  },
];

// How many leading blocks may carry a date stamp or dateline: the headline, a dateline line and the lead.
const LEAD_BLOCKS = 4;

export interface CleanedBlocks {
  blocks: Block[];
  /** A date found in a leading date stamp ("Saturday, January 8, 2005"), ISO 8601. */
  stampedDate?: string;
}

/**
 * Longest run of non-space characters kept: no word or link is longer. A longer run is cut to this length,
 * so that no pattern ever works on one unbounded word.
 */
export const MAX_WORD_CHARS = 100;
/**
 * Longest block handed to the line rules and the sentence splitter (a long news paragraph is about 1,000
 * characters). A longer block is split between sentences, or between words, into blocks of this size at most:
 * the time any pattern or the segmenter spends on one piece is bounded, and the text is kept.
 */
export const MAX_BLOCK_CHARS = 4000;

/** A block without one is only punctuation or symbols (most open with a letter, and skip the pattern). */
const LETTER_OR_DIGIT = /\p{L}|\p{N}/u;

/** Cleans every block and drops the ones that are only noise. */
export function cleanBlocks(blocks: readonly Block[]): CleanedBlocks {
  const kept: Block[] = [];
  let stampedDate: string | undefined;
  const { blocks: bounded, plain } = boundedBlocks(blocks);
  for (let index = 0; index < bounded.length; index++) {
    const block = bounded[index] as Block;
    const ordinary = plain[index] === true;
    let text = block.text;
    if (index < LEAD_BLOCKS) {
      const stamp = takeLeadingDateStamp(text);
      if (stamp) {
        stampedDate ??= stamp.iso;
        text = stamp.rest;
      }
      if (isTimestampLine(text)) continue;
    } else if (takeLeadingDateStamp(text)?.rest === '') {
      continue;
    }
    // Noise is recognised before the dateline rule, which would read "RELATED:" as a place name.
    if (text === '' || noiseKind(text, ordinary) !== undefined) continue;
    if (index < LEAD_BLOCKS) text = text.replace(DATELINE, '').replace(LEADING_AGENCY, '');
    text = withoutTrailingAgency(text);
    if (!ordinary) text = fixGluedSentences(text);
    if (isAsciiLetter(text.charCodeAt(0)) || LETTER_OR_DIGIT.test(text))
      kept.push(text === block.text ? block : { kind: block.kind, text });
  }
  return { blocks: kept, stampedDate };
}

function withoutTrailingAgency(line: string): string {
  return AGENCY_LAST_WORDS.has(finalWord(line)) ? line.replace(TRAILING_AGENCY, '$1$2') : line;
}

/** The run of ASCII letters a line ends with, before a final closing parenthesis and full stop ("AFP" of "(AFP)."). */
function finalWord(line: string): string {
  let end = line.length;
  if (line.charCodeAt(end - 1) === FULL_STOP) end--;
  if (line.charCodeAt(end - 1) === CLOSING_PARENTHESIS) end--;
  let start = end;
  while (start > 0 && isAsciiLetter(line.charCodeAt(start - 1))) start--;
  return line.slice(start, end);
}

const FULL_STOP = 0x2e;
const CLOSING_PARENTHESIS = 0x29;

interface BoundedBlocks {
  blocks: Block[];
  /**
   * Per block, whether it is ordinary: its whitespace was already tidy, and neither a caption's "in this" nor a
   * sentence end glued to a capital is in it (nor in any part of it the rules keep), as one scan of ORDINARY found.
   */
  plain: boolean[];
}

/** Blocks with normalised whitespace, words cut to MAX_WORD_CHARS and no block over MAX_BLOCK_CHARS. */
export function boundedBlocks(blocks: readonly Block[]): BoundedBlocks {
  const bounded: BoundedBlocks = { blocks: [], plain: [] };
  const add = (block: Block, ordinary: boolean) => {
    bounded.blocks.push(block);
    bounded.plain.push(ordinary);
  };
  for (const block of blocks) {
    let ordinary = !NOT_ORDINARY.test(block.text);
    // An ordinary block's whitespace is tidy: normaliseWhitespace would only trim it.
    let text = ordinary ? block.text.trim() : normaliseWhitespace(block.text);
    // Cutting a word can bring two others together, so a cut block is looked at closely.
    if (hasOverlongWord(text)) {
      text = withOverlongWordsCut(text);
      ordinary = false;
    }
    if (text.length <= MAX_BLOCK_CHARS) {
      if (text !== '') add(text === block.text ? block : { kind: block.kind, text }, ordinary);
      continue;
    }
    for (const piece of splitLongText(text, MAX_BLOCK_CHARS))
      add({ kind: block.kind, text: piece }, ordinary);
  }
  return bounded;
}

/**
 * What UNTIDY_SPACE, the "in this" photo caption rule (its case-insensitive words, letter by letter) or
 * STOP_BEFORE_CAPITAL (any capital, and more) could match, in one scan: most blocks have none of them, and the
 * part of a block the rules keep never has one the whole block lacks.
 */
const NOT_ORDINARY =
  /[^\S ]| {2}|[\u200B-\u200D\u2060\uFEFF\u00AD]|[Ii][Nn] [Tt][Hh][Ii][Ss] |[.!?]["”’)]?[A-Z\u00C0-\uFFFF]/;

// A run of more than MAX_WORD_CHARS non-spaces, matched from its start: $1$2 keeps the space and the cut word.
const OVERLONG_WORD = /(^|\s)(\S{100})\S+/g;

/**
 * `text` with each run of more than MAX_WORD_CHARS characters other than a space cut to its first MAX_WORD_CHARS
 * (OVERLONG_WORD). Chinese and Japanese are written without spaces, so a paragraph of them is one such run: a
 * Han or Kana character ends a word of its own (its run is kept whole, up to MAX_BLOCK_CHARS a block), and a
 * run of other characters between two is cut as a word is. A cut never falls inside a surrogate pair.
 */
export function withOverlongWordsCut(text: string): string {
  if (!MAY_HAVE_CJK_OR_PAIRS.test(text)) return text.replace(OVERLONG_WORD, '$1$2');
  const pieces: string[] = [];
  let copyFrom = 0;
  /** Code units of the word read so far (since a space or a Han or Kana character). */
  let run = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    const width = isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(i + 1)) ? 2 : 1;
    if (endsWord(text, i, code)) run = 0;
    else if (run + width <= MAX_WORD_CHARS) run += width;
    else {
      // The rest of the word goes, up to the next space or Han or Kana character.
      pieces.push(text.slice(copyFrom, i));
      while (i < text.length && !endsWord(text, i, text.charCodeAt(i))) i++;
      copyFrom = i;
      run = 0;
      continue;
    }
    i += width;
  }
  if (copyFrom === 0) return text;
  pieces.push(text.slice(copyFrom));
  return pieces.join('');
}

/** Whether `text[i]` (code `code`) is a space, or a Han or Kana character: none is in a word that may be cut. */
function endsWord(text: string, i: number, code: number): boolean {
  return code < 128 ? code === 32 || (code >= 9 && code <= 13) : isSpace(code) || classAt(text, i) === CJK;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
/** Han, Kana and every character from U+3000 on (surrogates too): text without any is cut by OVERLONG_WORD. */
const MAY_HAVE_CJK_OR_PAIRS = /[\u3000-\uffff]/;

/**
 * Whether a whitespace-normalised text has a run of more than MAX_WORD_CHARS characters other than a space:
 * OVERLONG_WORD (which looks 100 characters ahead at each word) then runs only on the rare text that has one.
 * Found by looking back from MAX_WORD_CHARS characters past a word's start for the last space: none means that
 * word is too long, and the words before that space are short, so each look moves on by about a window, not a word.
 */
export function hasOverlongWord(text: string): boolean {
  let wordStart = 0;
  while (text.length - wordStart > MAX_WORD_CHARS) {
    const space = text.lastIndexOf(' ', wordStart + MAX_WORD_CHARS);
    if (space < wordStart) return true;
    wordStart = space + 1;
  }
  return false;
}

/**
 * Pieces of at most `limit` characters, cut after the last sentence end (a Chinese or Japanese full stop too)
 * or else the last space that fits, or else between two characters (never inside a surrogate pair).
 */
function splitLongText(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > limit) {
    const window = text.slice(start, start + limit + 1);
    const sentenceEnd = Math.max(
      window.lastIndexOf('. '),
      window.lastIndexOf('! '),
      window.lastIndexOf('? '),
      // Written without a space after: the stop itself may be the window's last character that fits.
      window.lastIndexOf('。', limit - 1),
      window.lastIndexOf('！', limit - 1),
      window.lastIndexOf('？', limit - 1),
    );
    const space = window.lastIndexOf(' ');
    const cut =
      sentenceEnd > limit / 2
        ? sentenceEnd + 1
        : space > 0
          ? space
          : isHighSurrogate(window.charCodeAt(limit - 1))
            ? limit - 1
            : limit;
    pieces.push(window.slice(0, cut).trim());
    start += cut;
  }
  const rest = text.slice(start).trim();
  return rest === '' ? pieces : [...pieces, rest];
}

/** Which noise rule a line matches, if any; `ordinary` when boundedBlocks found the line so. */
export function noiseKind(line: string, ordinary = false): string | undefined {
  for (const rule of RULES_BY_OPENING.get(line.charCodeAt(0)) ?? RULES_OPENING_ANYHOW) {
    if (ordinary && rule.notInOrdinary) continue;
    if (rule.needs !== undefined && !line.includes(rule.needs)) continue;
    if (rule.ends !== undefined && !rule.ends.has(finalWord(line).toLowerCase())) continue;
    if (rule.pattern.test(line)) return rule.name;
  }
  return undefined;
}

/**
 * The rules a line may match, by the code of its first character: every rule that opens with it (as an ASCII
 * letter in either case) and the rules without `opens`; a line opening with any other character gets only those.
 */
const RULES_OPENING_ANYHOW = NOISE_LINES.filter((rule) => rule.opens === undefined);
const RULES_BY_OPENING = new Map<number, NoiseRule[]>();
for (const character of new Set(NOISE_LINES.flatMap((rule) => [...(rule.opens ?? '')]))) {
  const rules = NOISE_LINES.filter((rule) => rule.opens === undefined || rule.opens.includes(character));
  RULES_BY_OPENING.set(character.charCodeAt(0), rules);
  RULES_BY_OPENING.set(character.toUpperCase().charCodeAt(0), rules);
}

/** Spaces of every width to one plain space; invisible characters removed. */
export function normaliseWhitespace(text: string): string {
  // Most lines have nothing to replace: one scan instead of two replacements that would change nothing.
  if (!UNTIDY_SPACE.test(text)) return text.trim();
  return collapseWhitespace(text.replace(INVISIBLE, ''));
}

const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
/** What INVISIBLE or collapseWhitespace would change. */
const UNTIDY_SPACE = /[^\S ]| {2}|[\u200B-\u200D\u2060\uFEFF\u00AD]/;

/** "soil.He said" -> "soil. He said": a sentence end glued to the next sentence's first word. */
export function fixGluedSentences(text: string): string {
  return STOP_BEFORE_CAPITAL.test(text) ? text.replace(GLUED_SENTENCES, '$1 $2') : text;
}

const GLUED_SENTENCES = /(\p{Ll}{2}[.!?]["”’)]?)(\p{Lu}\p{Ll})/gu;
/** The part of GLUED_SENTENCES that few lines have, tested first: a much cheaper scan. */
const STOP_BEFORE_CAPITAL = /[.!?]["”’)]?\p{Lu}/u;
