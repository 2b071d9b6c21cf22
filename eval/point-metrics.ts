/**
 * Can a reader trust each digest point alone (issue 17, item 2)? Three measures over the points of a
 * digest, defined here on their own terms rather than with the summariser's filters
 * (src/core/text/sentences.ts), so that a blind spot of the filters shows up as a missed target instead
 * of being measured away. Definitions and figures: docs/quality.md, "Points".
 */
import type { Digest } from '../src/core/digest.ts';
import { STOPWORDS } from '../src/core/text/stopwords.ts';
import { contentTerms, words } from '../src/core/text/tokens.ts';
import type { TargetCheck } from './evaluate.ts';

export interface PointQuality {
  points: number;
  /** Share of points that are not a whole sentence (see `fragmentReason`). */
  fragments: number;
  /** Share of points whose opening word or quotation needs the sentence before them (see `contextReason`). */
  contextOpeners: number;
  pairs: number;
  /** Share of same-theme point pairs that say the same thing in other words (see `redundant`). */
  redundantPairs: number;
  /** Up to 10 offending points or pairs of each kind, with the reason, for the report. */
  examples: { fragments: string[]; contextOpeners: string[]; redundantPairs: string[] };
}

/** Issue 17 targets. */
export const POINT_TARGETS = { fragments: 0, contextOpeners: 0.02, redundantPairs: 0.02 };

const MAX_EXAMPLES = 10;

/** The issue 17 checks for one set of points; `check` is the eval's own (passed in, no import cycle). */
export function pointTargets(
  name: string,
  quality: PointQuality,
  check: (name: string, value: number, target: number, kind: TargetCheck['kind']) => TargetCheck,
): TargetCheck[] {
  return [
    check(`${name} fragment points`, quality.fragments, POINT_TARGETS.fragments, 'max'),
    check(`${name} context-needing openers`, quality.contextOpeners, POINT_TARGETS.contextOpeners, 'max'),
    check(`${name} redundant point pairs`, quality.redundantPairs, POINT_TARGETS.redundantPairs, 'max'),
  ];
}

/** One report line, with the offending points under it. */
export function pointQualityReport(quality: PointQuality): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const lines = [
    `points ${quality.points}: fragments ${pct(quality.fragments)}, context-needing openers ${pct(quality.contextOpeners)}, redundant pairs ${pct(quality.redundantPairs)} of ${quality.pairs}`,
  ];
  for (const [kind, list] of Object.entries(quality.examples))
    for (const example of list) lines.push(`  ${kind}: ${example}`);
  return lines.join('\n');
}

export function pointQuality(digest: Digest): PointQuality {
  const examples: PointQuality['examples'] = { fragments: [], contextOpeners: [], redundantPairs: [] };
  const note = (list: string[], text: string) => {
    if (list.length < MAX_EXAMPLES) list.push(text);
  };
  let points = 0;
  let fragments = 0;
  let contextOpeners = 0;
  let pairs = 0;
  let redundantPairs = 0;
  for (const theme of digest.themes) {
    const texts = theme.points.map((p) => p.text);
    for (const text of texts) {
      points++;
      const fragment = fragmentReason(text);
      if (fragment) {
        fragments++;
        note(examples.fragments, `${fragment}: ${text}`);
      }
      const context = contextReason(text);
      if (context) {
        contextOpeners++;
        note(examples.contextOpeners, `${context}: ${text}`);
      }
    }
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++) {
        pairs++;
        if (redundant(texts[i] as string, texts[j] as string)) {
          redundantPairs++;
          note(examples.redundantPairs, `${texts[i]} | ${texts[j]}`);
        }
      }
  }
  const share = (n: number, of: number) => (of === 0 ? 0 : n / of);
  return {
    points,
    fragments: share(fragments, points),
    contextOpeners: share(contextOpeners, points),
    pairs,
    redundantPairs: share(redundantPairs, pairs),
    examples,
  };
}

const MIN_SENTENCE_WORDS = 5;
/** Abbreviations a sentence does not end on: a point ending on one was cut by the splitter. */
const ABBREVIATIONS = new Set(
  'mr mrs ms dr prof gen lt col maj capt sgt adm gov sen rep rev hon st mt ft jr sr inc co corp ltd no vs etc jan feb mar apr jun jul aug sep sept oct nov dec dept est approx'.split(
    ' ',
  ),
);
/** Finite verbs and auxiliaries frequent in news copy; with -ed forms, enough to see that a clause has a verb. */
const VERBS = new Set(
  `is are was were be been am has have had do does did will would can could may might must shall should
  said says told tells asked says went goes came comes took takes gave gives made makes got gets saw sees
  knew knows found finds held holds left leaves met meets ran runs won wins lost loses paid pays hit hits
  cut cuts set sets put puts led leads fell falls rose rises stood stands built builds bought buys sold
  sells spent felt became becomes struck spoke wrote drove flew fought caught sought shot broke chose threw
  grew drew hung sat fled heard beat shook sent brought kept began thought`.split(/\s+/),
);
const DETERMINERS = new Set(
  'the a an of in at on for with by to from and or their its his her our your my these those all many some several no both other such more most few'.split(
    ' ',
  ),
);

/** Why `text` is not a whole sentence, or undefined when it is one. */
export function fragmentReason(text: string): string | undefined {
  const t = text.trim();
  const tokens = t.split(/\s+/);
  if (tokens.length < MIN_SENTENCE_WORDS) return 'too short';
  if (!/^["'“‘(]*[\p{Lu}\p{N}]/u.test(t)) return 'no capital opening';
  if (!/[.!?…]["'”’)\]]*$/u.test(t)) return 'no terminal punctuation';
  const count = (c: string) => t.split(c).length - 1;
  if (count('“') !== count('”') || count('"') % 2 !== 0 || count('(') !== count(')'))
    return 'unbalanced quotes';
  const last = (tokens.at(-1) as string).replace(/["'”’)\]]+$/u, '');
  // "at 4 p.m." is a sentence end; "Mt.", "Sen.", an initial or "the U.S." at the end is a cut.
  const timeOfDay = /^[ap]\.m\.$/iu.test(last) && /\d/u.test(tokens.at(-2) ?? '');
  const abbreviation =
    /^(?:\p{L}\.){2,}$/u.test(last) ||
    /^\p{Lu}\.$/u.test(last) ||
    ABBREVIATIONS.has(
      last
        .replace(/^.*[-/]/u, '')
        .slice(0, -1)
        .toLowerCase(),
    );
  if (abbreviation && !timeOfDay) return 'ends at an abbreviation';
  if (!hasVerbLikeToken(tokens)) return 'no verb';
  if (isBareAttribution(t)) return 'bare attribution';
  return undefined;
}

function hasVerbLikeToken(tokens: readonly string[]): boolean {
  return tokens.some((raw, i) => {
    const token = raw.replace(/^\P{L}+|\P{L}+$/gu, '');
    const lower = token.toLowerCase();
    if (VERBS.has(lower) || /^[\p{Ll}-]{2,}ed$/u.test(token) || /n['’]t$/u.test(lower)) return true;
    // A present-tense -s form after something that can be its subject ("the navy insists").
    const previous = tokens[i - 1];
    if (previous === undefined || /\d/u.test(previous)) return false;
    return (
      /^\p{Ll}{2,}[^su]s$/u.test(token) && !DETERMINERS.has(previous.toLowerCase().replace(/\P{L}+$/gu, ''))
    );
  });
}

const REPORTING =
  'said|says|told|tells|asked|asks|added|adds|wrote|writes|explained|recalled|tweeted|noted|stated|replied|insisted|continued|confirmed|announced|reported|argued|argues|claimed|claims|warned|warns|admitted|testified|responded|joked|declared|urged|acknowledged|posted|commented|remarked|quipped|shouted|yelled|cried|exclaimed';
/** "Colts interim coach Bruce Arians asked.": a speaker and a verb of saying, with what was said missing. */
const BARE_ATTRIBUTION = new RegExp(
  `^[^"“”]{0,80}\\b(?:(?:told|tells)(?:\\s+\\S+){1,3}|(?:${REPORTING})(?:\\s+(?:on|in|at|to|late|earlier|later|yesterday|today|tonight|this|last)\\b[^"“”]{0,30})?)[.!]$`,
  'u',
);

function isBareAttribution(text: string): boolean {
  return text.split(/\s+/).length <= 10 && !/["“”]/u.test(text) && BARE_ATTRIBUTION.test(text);
}

/** Openers that point back to the sentence before: pronouns, demonstratives, connectives, "There". */
const DEPENDENT_OPENER =
  /^(?:previously|he|she|it|they|him|them|his|her|its|their|this|that|these|those|there|such|another|others|both|either|neither|but|and|or|nor|so|yet|however|also|meanwhile|moreover|furthermore|additionally|instead|then|still|thus|therefore|hence|besides|nevertheless|nonetheless|likewise|similarly|otherwise|in addition|as a result|the latter|the former|the same|on the other hand)\b/iu;
/** "This morning", "That night": a time, not a pointer back. */
const TIME_AFTER_DEMONSTRATIVE =
  /^(?:this|that|these|those)\s+(?:morning|afternoon|evening|night|week|weekend|month|year|season|spring|summer|autumn|fall|winter)\b/iu;
const PRONOUN_SPEAKER = new RegExp(
  `^(?:he|she|they)\\s+(?:${REPORTING})\\b|\\b(?:${REPORTING})\\s+(?:he|she|they)\\b`,
  'iu',
);
const FIRST_PERSON = /\b(?:I|I'm|I've|I'd|I'll|[Mm]e|[Mm]y|[Ww]e|[Ww]e're|[Ww]e've|us|[Oo]ur)\b/u;
const QUOTED_WORDS = 4;

/**
 * Why `text` needs the sentence before it, or undefined when it stands alone: a dependent opener, a
 * quotation of several words with no speaker outside the quotation marks or only a pronoun for one,
 * or first-person words outside any quotation (a quote whose marks and speaker were lost).
 */
export function contextReason(text: string): string | undefined {
  const t = text.trim();
  const opening = t.replace(/^["'“‘(]+/u, '');
  if (DEPENDENT_OPENER.test(opening) && !TIME_AFTER_DEMONSTRATIVE.test(opening)) return 'dependent opener';
  const { quoted, outside } = splitQuotes(t);
  const hasSpeaker = new RegExp(`\\b(?:${REPORTING}|according to)\\b`, 'iu').test(outside);
  if (quoted.some((q) => q.split(/\s+/).length >= QUOTED_WORDS)) {
    if (!hasSpeaker) return 'quote without speaker';
    if (
      PRONOUN_SPEAKER.test(
        outside
          .replace(/[,.;:!?]/gu, ' ')
          .replace(/\s+/gu, ' ')
          .trim(),
      )
    )
      return 'quote with a pronoun for speaker';
  }
  if (FIRST_PERSON.test(outside)) return 'first person outside quotes';
  if (HE_OR_SHE.test(t) && !hasProperName(t)) return 'he or she with nobody named';
  if (PRONOUN_AFTER_OPENING_PHRASE.test(opening)) return 'pronoun subject after an opening phrase';
  if (PART_OF_A_GROUP.test(opening)) return 'part of a group named before';
  const anchored = hasProperName(t) || /\d/u.test(t);
  if (NOBODY_NAMED_SUBJECT.test(opening) && !anchored) return 'subject that names nobody';
  if (POINTING_DEMONSTRATIVE.test(t) && !anchored) return 'demonstrative with nothing named';
  return undefined;
}

/** "Upon arrival they found ...", "After the hearing he said ...": whom the pronoun means is in the sentence before. */
const PRONOUN_AFTER_OPENING_PHRASE =
  /^(?:upon|on|after|before|during|in|at|with|without|within|since)\s+(?:[\p{Ll}-]+\s+){1,2}(?:he|she|they|it)\s+\p{Ll}/iu;
/** "Eight of the jurors ...", "All of them ...": a part of a set the reader has not been told about. */
const PART_OF_A_GROUP =
  /^(?:all|most|many|some|none|few|several|each|both|half|the rest|the majority|a few|a number|one|two|three|four|five|six|seven|eight|nine|ten|dozens|hundreds|thousands|\d+)\s+of\s+(?:the|them|these|those|us|its|their|his|her)\s+\p{Ll}/iu;
/** "Most people ...", "No one ...", "Everyone ...": indefinite or generic subjects. */
const NOBODY_NAMED_SUBJECT =
  /^(?:no one|nobody|nothing|everyone|everybody|everything|someone|somebody|something|anyone|anybody|anything|(?:most|many|some|few|several|all|other)\s+(?:people|others|observers|experts|fans|residents|viewers|critics|of them))\b/iu;
/** "in this fight", "these measures": a demonstrative pointing back (times aside: "this year"). */
const POINTING_DEMONSTRATIVE =
  /\b(?:this|these|those)\s+(?!(?:morning|afternoon|evening|night|week|weekend|month|year|season|spring|summer|autumn|fall|winter|time|century|decade)\b)\p{Ll}/iu;

const HE_OR_SHE = /\b(?:he|she|him|his|her|hers)\b/iu;
const NOT_NAMES = new Set(
  'the a an in on at after before when while as for from with by to of during since until if'.split(' '),
);
const DAYS_AND_MONTHS =
  /^(?:mon|tues|wednes|thurs|fri|satur|sun)day$|^(?:january|february|march|april|may|june|july|august|september|october|november|december)$/iu;

/**
 * Whether some word is capitalised as a name is: not a day or month, and not a function word ("Most",
 * "The", "After") opening the sentence.
 */
function hasProperName(text: string): boolean {
  const tokens = text.split(/\s+/).map((t) => t.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, ''));
  return tokens.some(
    (t, i) =>
      /^\p{Lu}/u.test(t) &&
      !DAYS_AND_MONTHS.test(t) &&
      (i > 0 || !(NOT_NAMES.has(t.toLowerCase()) || STOPWORDS.has(t.toLowerCase()))),
  );
}

/** The quoted stretches of a text and what is left outside them (straight or curly double quotes). */
function splitQuotes(text: string): { quoted: string[]; outside: string } {
  const quoted: string[] = [];
  let outside = '';
  let current: string | undefined;
  for (const c of text) {
    if (c === '“' || (c === '"' && current === undefined)) current = '';
    else if ((c === '”' || c === '"') && current !== undefined) {
      quoted.push(current.trim());
      current = undefined;
      outside += ' ';
    } else if (current !== undefined) current += c;
    else outside += c;
  }
  return { quoted, outside: current === undefined ? outside : `${outside} ${current}` };
}

const CONTAINMENT = 2 / 3;
const JACCARD = 0.5;
/** Share of a restatement's content words found in the point it restates. */
const PARAPHRASE_CONTAINMENT = 0.4;

/**
 * Two points, `a` read before `b`, say the same thing when they are near-copies or `b` restates `a` in
 * other words (the reader learns nothing new from it). Near-copies: most content words (Porter stems, no
 * stopwords) of the shorter one are in the other (containment >= 2/3), or the two share half their
 * content words (Jaccard >= 0.5). Stems make "hosting"/"host" and "sentenced"/"sentences" one word.
 * Restatement: see `restates`. A lead that a later, fuller point repeats is not redundant: the later
 * point adds its figures and names.
 */
export function redundant(a: string, b: string): boolean {
  const x = new Set(contentTerms(a));
  const y = new Set(contentTerms(b));
  if (x.size === 0 || y.size === 0) return false;
  let shared = 0;
  for (const term of x) if (y.has(term)) shared++;
  return (
    shared / Math.min(x.size, y.size) >= CONTAINMENT ||
    shared / (x.size + y.size - shared) >= JACCARD ||
    restates(b, a)
  );
}

/** ", her spokesman said.", "..., police told reporters on Friday.": who told it, not what happened. */
const TRAILING_SOURCE = new RegExp(
  `,[^,"“”]{0,60}\\b(?:${REPORTING}|according to)\\b[^,"“”]{0,40}[.!]?$`,
  'iu',
);
/** "Police said ...", "According to the agency, ...". */
const LEADING_SOURCE = new RegExp(
  `^(?:according to [^,]{1,50},|[^,"“”]{1,50}\\b(?:${REPORTING})\\b(?: that)?)\\s`,
  'iu',
);

/**
 * Whether point `a` restates point `b`: what `a` states, its source's attribution aside, has no figure
 * and no name (a word capitalised inside the sentence) that `b` lacks, shares a name with `b`, and at
 * least 40 % of its content words are in `b`. "Championship swimmer-turned-legendary Hollywood actress
 * Esther Williams has died." restates "Esther Williams ... died on Thursday in Beverly Hills ..."; a
 * point with a new figure or a new name (a victim, a date, a place) adds a fact.
 */
export function restates(a: string, b: string): boolean {
  // After a dropped leading attribution, the first word is inside the sentence: it may be a name.
  const statement = a.replace(TRAILING_SOURCE, '.').replace(LEADING_SOURCE, ' ');
  const other = new Set(words(b));
  const figures = words(statement).filter((w) => /\d/u.test(w));
  const names = (statement.match(/(?<=[\s(“"'‘-])\p{Lu}[\p{L}'’]*/gu) ?? [])
    .flatMap((n) => words(n.replace(/['’]s?$/u, '')))
    .filter((n) => !STOPWORDS.has(n));
  if (names.length === 0 || [...figures, ...names].some((w) => !other.has(w))) return false;
  const terms = new Set(contentTerms(statement));
  const otherTerms = new Set(contentTerms(b));
  let shared = 0;
  for (const term of terms) if (otherTerms.has(term)) shared++;
  return terms.size > 0 && shared / terms.size >= PARAPHRASE_CONTAINMENT;
}
