/** Why a sentence cannot stand alone as a summary point, or undefined when it can. */
export function unreadableReason(sentence: string): string | undefined {
  const text = sentence.trim();
  if (DATELINE.test(text) || DATE_STAMP.test(text)) return 'dateline';
  // Cheap keyword tests first: the full patterns are slow and rarely match.
  if (CAPTION_HINT.test(text) && CAPTION.test(text)) return 'caption';
  if (BYLINE_HINT.test(text) && BYLINE.test(text)) return 'byline';
  if (PROMPT_HINT.test(text) && PROMPT.test(text)) return 'prompt';
  if (/\?["'”’)]?$/u.test(text)) return 'question';
  const wordTotal = text.split(/\s+/).length;
  if (wordTotal > MAX_WORDS) return 'run-on';
  if (
    wordTotal < MIN_WORDS ||
    !/^["'“‘(]?[\p{Lu}\p{N}]/u.test(text) ||
    !/[.!]["'”’)]?$/u.test(text) ||
    SUBJECTLESS_OPENER.test(text) ||
    ABBREVIATION_END.test(text) ||
    !quotesBalanced(text)
  )
    return 'fragment';
  if (wordTotal <= MAX_ATTRIBUTION_WORDS && !/["“”]/u.test(text) && ATTRIBUTION_ONLY.test(text))
    return 'fragment';
  if ((text === text.toUpperCase() && /\p{Lu}{4}/u.test(text)) || isTitleCase(text)) return 'headline';
  if (wordTotal <= MAX_CAPTION_WORDS && !hasVerb(text)) return 'caption';
  return undefined;
}

/**
 * True when the sentence opens with a pronoun or connective that points back to the sentence before it
 * ("He said...", "However, ..."): it may only follow that sentence.
 */
export function needsAntecedent(sentence: string): boolean {
  const text = sentence.trim();
  const opening = text.replace(/^["'“‘(]+/u, '');
  return (
    (DANGLING_OPENER.test(opening) && !STANDALONE_OPENER.test(opening)) || PRONOUN_ATTRIBUTION.test(text)
  );
}

/** A quote opened but not closed (or the reverse): the sentence is a piece of a longer quote. */
function quotesBalanced(text: string): boolean {
  const opening = text.match(/“/gu)?.length ?? 0;
  const closing = text.match(/”/gu)?.length ?? 0;
  const straight = text.match(/"/gu)?.length ?? 0;
  return opening === closing && straight % 2 === 0;
}

/**
 * False only for a text with no sign of a finite verb: no auxiliary or common verb, no -ed
 * form, no contraction and no -s form right after a word that can be its subject. Such a short line is
 * a caption without a credit ("Ambulances at Russell Square, London after the July 7, 2005 bombings.")
 * or a list entry ("Lindsey Germaine: Piccadilly Line train, Jamaican-born resident of Aylesbury.").
 */
function hasVerb(text: string): boolean {
  if (
    COMMON_VERB.test(text) ||
    /(?:^|[^\p{L}])\p{Ll}{2,}ed(?:$|[^\p{L}\d_])/u.test(text) ||
    CONTRACTION.test(text)
  )
    return true;
  // "they play hardball": the word after a subject pronoun is its verb.
  if (/\b(?:I|[Ww]e|[Yy]ou|[Tt]hey)\s+\p{Ll}/u.test(text)) return true;
  const tokens = text.split(/\s+/);
  return tokens.some((token, i) => {
    const before = tokens[i - 1];
    if (before === undefined || !/^\p{Ll}{2,}[^s\W]s[,.;:!"'”’)]*$/u.test(token)) return false;
    // "the July 7, 2005 bombings", "of its sailors": after a number or a determiner, -s is a plural.
    return /[,:;()]$/u.test(before) || !(NOT_A_SUBJECT.has(before.toLowerCase()) || /\d/u.test(before));
  });
}

const MAX_CAPTION_WORDS = 20;
const COMMON_VERB =
  /\b(?:is|are|was|were|be|been|am|has|have|had|do|does|did|will|would|shall|should|can|cannot|could|may|might|must|say|says|said|tell|tells|told|get|gets|got|make|makes|made|take|takes|took|give|gives|gave|go|goes|went|come|comes|came|see|sees|saw|know|knows|knew|think|thinks|thought|find|finds|found|show|shows|shown|seem|seems|keep|keeps|kept|begin|began|run|runs|ran|hold|holds|held|bring|brings|brought|leave|leaves|left|meet|meets|met|set|sets|put|puts|win|wins|won|lose|loses|lost|pay|pays|paid|laid|hit|hits|cut|cuts|send|sends|sent|lead|leads|led|fall|falls|fell|rise|rises|rose|stand|stands|stood|build|builds|built|buy|buys|bought|sell|sells|sold|spend|spends|spent|feel|feels|felt|become|becomes|became|remain|remains|want|wants|need|needs|believe|believes|appear|appears|continue|continues|include|includes|ask|asks|call|calls|claim|claims|plan|plans|warn|warns|face|faces|hope|hopes|live|lives|die|dies|struck|spoke|wrote|drove|flew|fought|caught|sought|shot|broke|chose|rode|wore|threw|grew|drew|hung|sat|fled|heard|withdrew|beat|shook|shake|shakes|estimate|list|follow|thank|welcome|cover)\b/iu;
const CONTRACTION = /n['’]t\b|(?:^|[^\p{L}\d_])\p{L}+['’](?:s|re|ve|ll|d|m)\b/iu;
const NOT_A_SUBJECT = new Set(
  'the a an of in at on for with by to from and or their its his her our your my these those all many some several two three four five six seven eight nine ten no both other such more most few'.split(
    ' ',
  ),
);

/** "Obama Administration Restores Endangered Species Act Protections!": a headline, not a sentence. */
function isTitleCase(text: string): boolean {
  const content = text.split(/\s+/).filter((w) => !TITLE_SMALL_WORDS.has(w.toLowerCase()));
  // One lowercase word of 3 letters or more ("made", "born", "died") makes it a sentence full of names.
  if (content.some((w) => /^\p{Ll}{3,}/u.test(w))) return false;
  const capitalised = content.filter((w) => /^["'“‘(]?[\p{Lu}\p{N}]/u.test(w)).length;
  return content.length >= 4 && capitalised / content.length >= 0.8;
}

const TITLE_SMALL_WORDS = new Set([
  'a',
  'an',
  'the',
  'and',
  'or',
  'but',
  'of',
  'to',
  'in',
  'on',
  'at',
  'for',
  'by',
  'with',
  'from',
  'as',
]);

const MIN_WORDS = 6;
const MAX_ATTRIBUTION_WORDS = 12;
/** "Larry Kroon of the church told CNN." without a quote: the tail of a quote the splitter cut off. */
const ATTRIBUTION_ONLY =
  /\b(?:told|tells)(?:\s+\S+){1,4}[.!]$|\b(?:said|says|added)(?:\s+(?:in|on|at|to|during|late|earlier|yesterday|today|tonight|this)\b(?:\s+\S+){0,3})?[.!]$/iu;
const MAX_WORDS = 70;

const WEEKDAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
/** "Saturday, January 8, 2005" or "January 8, 2005" leading a line. */
const DATELINE = new RegExp(`^(?:${WEEKDAY},?\\s+)?${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}`, 'i');
/** "2005/01/08 Headline" or "date 2026-02-28 ...": a headline or caption carrying a date stamp. */
const DATE_STAMP = /^(?:date\s+)?\d{4}[/-]\d{1,2}[/-]\d{1,2}\b/i;
/** "WASHINGTON (AP) —", "ISLAMABAD:": a wire dateline glued to the lead sentence. */
const WIRE_DATELINE = /^\p{Lu}[\p{Lu} .,'-]{2,40}(?:\([^)]{1,30}\))?(?: ?[—–-]{1,2}|:) +/u;

/** The sentence without a leading wire dateline: the words after it are still quoted verbatim. */
export function withoutDateline(sentence: string): string {
  return sentence.trim().replace(WIRE_DATELINE, '');
}
const CAPTION_HINT = /\/|photo|pictur|seen in/i;
const BYLINE_HINT = /\bby\b|agencies|contributed/i;
const PROMPT_HINT = /related|click|read more|subscri|sign up|follow us|share this|rights|copyright/i;
const CAPTION =
  /[—–-]\s*[\p{L}\s]{1,30}\/\s*(?:file|afp|reuters|ap|getty)\b|\bundated (?:photo|picture)\b|\b(?:file )?photo:|\(photo\b|\bphoto(?:graph)? (?:by|credit|courtesy)\b|\bpictured\b|\bseen in this\b/iu;
const BYLINE =
  /^by\s+\p{Lu}[\p{L}.'-]+(?:\s+\p{Lu}[\p{L}.'-]+){0,3}\b|\b(?:reporting|writing|editing|additional reporting) by\b|\bcontributed to this report\b|[—–-]\s*agencies\b/iu;
const PROMPT =
  /^related:|\b(?:click here|read more|subscribe (?:to|now)|sign up for|follow us|share this|all rights reserved|copyright ©?)\b/iu;
/** Ends on an abbreviation ("the U.S.", "Gen."): most likely a sentence cut short by the splitter. */
const ABBREVIATION_END =
  /(?:(?:^|[^\w.])(?:\p{Lu}\.){2,}|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Gov|Sen|Rep|Lt|Col|Sgt|Jr|Sr|Inc|Co|Corp|No|Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.)["'”’)]?$/u;
/** "Says Pakistan hosted...": a summary bullet or deck line without its subject. */
const SUBJECTLESS_OPENER =
  /^(?:says|adds|urges|reminds|warns|notes|calls|vows|slams|claims|rejects|seeks|asks|hails|terms|stresses|insists|denies)\s/iu;
/** "“…,” he said": a quote whose speaker is only a pronoun. */
const PRONOUN_ATTRIBUTION =
  /^["“].*?[”"],?\s+(?:he|she|they)\s+(?:said|says|added|adds|told|tells|wrote|noted|remarked)\b/iu;
/** "This morning, ...", "Now that ...": a time or a subordinate clause, not a pointer back. */
const STANDALONE_OPENER =
  /^(?:now that|(?:this|these) (?:morning|afternoon|evening|night|week|weekend|month|year|season|summer|winter|spring|autumn|fall)\b)/iu;
const DANGLING_OPENER =
  /^(?:he|she|it|they|him|them|his|her|hers|its|their|theirs|this|these|those|such|however|but|and|or|nor|also|meanwhile|moreover|furthermore|additionally|still|yet|so|thus|therefore|hence|nevertheless|nonetheless|instead|besides|then|now|later|again|afterwards|otherwise|likewise|similarly|in addition|as a result|in contrast|on the other hand|the latter|the former|that is)\b/iu;
