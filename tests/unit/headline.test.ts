import { describe, expect, it } from 'vitest';
import { readSourceFolder } from '../../src/adapters/local-files.ts';
import type { Article } from '../../src/core/article.ts';
import { buildDigest } from '../../src/core/digest-from-files.ts';
import { headlineFor, isNameList, shorten } from '../../src/core/headline.ts';
import { parseFiles } from '../../src/core/parse-files.ts';
import { ArticleTerms } from '../../src/core/text/article-terms.ts';
import { isStopword, wordCount, words } from '../../src/core/text/tokens.ts';
import { article } from '../support/articles.ts';

/** The properties every theme headline must have, whatever its articles. */
function expectHeadline(title: string, articles: readonly Article[]): void {
  const sources = articles.map((a) => `${a.title} ${a.sentences.join(' ')}`).join(' ');
  const vocabulary = new Set(words(sources));
  // 4 to 14 words, no closing full stop.
  expect(wordCount(title)).toBeGreaterThanOrEqual(4);
  expect(wordCount(title)).toBeLessThanOrEqual(14);
  expect(title).not.toMatch(/[.,;:]$/);
  // Grounded: every content word is in the theme's own articles.
  for (const word of words(title).filter((w) => !isStopword(w))) expect(vocabulary).toContain(word);
  // A headline, not a list of names.
  expect(isNameList(title)).toBe(false);
  // Sentence case: a capital after the first word only where the bodies write that word with one.
  expect(title.charAt(0)).toMatch(/\p{Lu}|\d/u);
  const bodies = articles.flatMap((a) => a.sentences).join(' ');
  for (const word of title.split(/\s+/).slice(1)) {
    const bare = word.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
    if (/^\p{Lu}/u.test(bare)) expect(bodies).toContain(bare);
  }
}

const zealand = [
  article('nz1.txt', 'New Zealand Beat Australia To Win The Bledisloe Cup', [
    'New Zealand beat Australia 28-24 in Auckland on Saturday to keep the Bledisloe Cup for a 20th year.',
    'The All Blacks scored two late tries after Australia led for most of the match.',
  ]),
  article('nz2.txt', 'NEW ZEALAND RETAIN BLEDISLOE CUP AFTER LATE COMEBACK', [
    'The All Blacks of New Zealand came from behind to beat Australia and retain the Bledisloe Cup.',
    'Coach Scott Robertson said the win in Auckland showed the character of the side.',
  ]),
  article('nz3.txt', 'Rugby', [
    'AUCKLAND (AP) — New Zealand kept the Bledisloe Cup on Saturday, beating Australia 28-24 at Eden Park.',
    'A crowd of 47,000 watched the match in Auckland.',
  ]),
];

const saints = [
  article('s1.txt', '', [
    'The New Orleans Saints signed quarterback Derek Carr to a four-year contract on Monday, the team said, ending weeks of talks.',
    'Carr spent nine seasons with the Las Vegas Raiders before he was released in February.',
  ]),
  article('s2.txt', 'Posted: March 6, 2023 8:20 AM ET', [
    'On Monday, the New Orleans Saints agreed to terms with Derek Carr, who had visited the team in February.',
    'The deal is worth $150 million, according to people familiar with it.',
  ]),
];

const chips = [
  article('c1.txt', 'SeaMicro, Intel', [
    'AMD agreed on Wednesday to buy server maker SeaMicro for $334 million, beating rival bidder Intel.',
    'SeaMicro makes low-power servers used in data centres, and AMD said the deal would close in April.',
  ]),
  article('c2.txt', 'AMD to buy server maker SeaMicro for $334 million', [
    'Advanced Micro Devices (AMD) will buy SeaMicro, a maker of energy-efficient servers, for $334 million.',
    'Intel had also courted SeaMicro, analysts said.',
  ]),
];

describe('headlineFor', () => {
  it.each([
    ['Title Case and ALL CAPS headlines', zealand],
    ['articles without a usable headline', saints],
    ['a comma list of names as one headline', chips],
  ])('gives a grounded sentence-case headline of 4-14 words for %s', (_, articles) => {
    // Act
    const title = headlineFor(articles);

    // Assess
    expectHeadline(title, articles);
  });

  it("gives the same headline with the build's shared token ids as on its own", () => {
    // Prepare: a vocabulary that has read other articles first, as the build's has by the themes stage.
    const terms = new ArticleTerms();
    for (const other of [...chips, ...saints]) terms.sentenceTokens(other);

    // Act & Assess
    for (const articles of [zealand, saints, chips])
      expect(headlineFor(articles, terms)).toBe(headlineFor(articles));
  });

  it('keeps names whole, "New" included', () => {
    expect(headlineFor(zealand)).toMatch(/\bNew Zealand\b/);
    expect(headlineFor(saints)).toMatch(/\bNew Orleans Saints\b|\bDerek Carr\b/);
  });

  it('shortens a lead sentence at a clause boundary when no article has a usable headline', () => {
    // Act
    const title = headlineFor(saints);

    // Assess: a start of one lead (its fronted "On Monday," dropped), cut before a clause, not mid-name.
    const leads = saints.map((a) => (a.sentences[0] as string).replace(/^On Monday, /, ''));
    expect(leads.some((lead) => lead.startsWith(title))).toBe(true);
    expect(title).not.toMatch(/\b(?:the|a|of|to|and|who)$/i);
  });

  it('prefers what the articles share over a headline that names only who was involved', () => {
    expect(headlineFor(chips)).toMatch(/\bbuy\b/);
  });

  it('does not open on a bare "the" + noun that stands for someone named before', () => {
    // Prepare: the best-supported lead calls the boy "the teenager"; another lead names him.
    const articles = [
      article('g1.txt', '', [
        'The teenager was shot and killed by police in Athens eight days ago, triggering violent protests.',
        'Riots spread across Greece after the shooting of the teenager by police in Athens.',
      ]),
      article('g2.txt', '', [
        'Fresh riots broke out in Greece over the killing of 15-year-old Alexandros Grigoropoulos by police in Athens.',
        'The teenager was shot and killed by police in Athens, triggering violent protests across Greece.',
      ]),
    ];

    // Act
    const title = headlineFor(articles);

    // Assess
    expect(title).not.toMatch(/^The teenager\b/);
    expectHeadline(title, articles);
  });

  it('is never a name list, even when every article is one', () => {
    const lists = [
      article('l1.txt', 'Osama, Laden', [
        'Osama bin Laden was killed by US forces in Abbottabad, Pakistan, on Sunday night.',
      ]),
      article('l2.txt', 'Dow', [
        'The Dow Jones industrial average fell 300 points on Friday as oil prices rose.',
      ]),
    ];
    for (const one of lists) expectHeadline(headlineFor([one]), [one]);
  });
});

describe('shorten', () => {
  it.each([
    'A 5.6 magnitude earthquake hit an island off Iran’s southern coast on Sunday, injuring five people and damaging buildings, Iranian media said.',
    'With just over a month remaining in office, the Bush administration loosened federal protection of plants and animals under the Endangered Species Act.',
    'Wladimir Klitschko stopped Hasim Rahman in the seventh round to retain his IBF, IBO and WBO heavyweight titles on Saturday night.',
  ])('cuts %s to 4-14 words at a boundary that keeps names and lists whole', (sentence) => {
    // Act
    const short = shorten(sentence) as string;

    // Assess
    expect(wordCount(short)).toBeGreaterThanOrEqual(4);
    expect(wordCount(short)).toBeLessThanOrEqual(14);
    expect(sentence).toContain(short);
    expect(short).not.toMatch(/\b(?:IBF|IBO)$|,$|\b(?:the|a|of|and)$/);
    expect(short).not.toMatch(/^With\b/);
  });
});

describe('shorten before a preposition', () => {
  it.each([
    [
      'Voters in Turkmenistan cast ballots Sunday in a parliamentary election hailed by the government as an exercise in democracy but dismissed by critics as a sham.',
      'Voters in Turkmenistan cast ballots Sunday',
    ],
    [
      'The regional council approved the plan on Monday in a vote widely expected to pass after months of debate over the cost of the new bridge.',
      'The regional council approved the plan on Monday',
    ],
  ])('does not end on a participle cut off from its "by" or "to": %s', (sentence, expected) => {
    // Act
    const short = shorten(sentence);

    // Assess: the cut falls at the preposition before, not after "hailed" or "expected".
    expect(short).toBe(expected);
  });

  it('does not end on a participle describing the noun before it when the line has its verb', () => {
    // Prepare: a clause boundary ("after") right after "held".
    const sentence =
      'The people of Turkmenistan have voted in the first parliamentary election held after the adoption of a new constitution earlier this year.';

    // Act & Assess
    expect(shorten(sentence)).toBe('The people of Turkmenistan have voted');
  });

  it('keeps a participle that is the predicate: after an auxiliary, or with no other verb', () => {
    expect(
      shorten(
        'A former employee of the accounting firm was arrested after a high-speed chase on the interstate north of Detroit.',
      ),
    ).toBe('A former employee of the accounting firm was arrested');
    expect(
      shorten(
        'Suspected gunman in the Vancouver office Christmas party shooting arrested after a standoff with police that lasted hours.',
      ),
    ).toBe('Suspected gunman in the Vancouver office Christmas party shooting arrested');
  });

  it('cuts before "by" after a passive with its auxiliary', () => {
    expect(
      shorten(
        'A five-boat pirate attack on merchant vessels transiting the Gulf of Aden was foiled by the Indian Navy on Thursday.',
      ),
    ).toBe('A five-boat pirate attack on merchant vessels transiting the Gulf of Aden was foiled');
  });

  it('still cuts before "by" after a word that is no participle', () => {
    // Prepare
    const sentence =
      'Firefighters battled a huge blaze at the old dairy warehouse downtown by the river bank all through Tuesday.';

    // Act & Assess
    expect(shorten(sentence)).toBe('Firefighters battled a huge blaze at the old dairy warehouse downtown');
  });

  it('does not cut a verb off from its "that" clause, and gives no line when no other cut is left', () => {
    expect(
      shorten(
        'Turkmenistan voted Sunday in a parliamentary election meant to show that the energy-rich central Asian nation was shedding its autocratic past.',
      ),
    ).toBeUndefined();
  });
});

describe('a time told from the day of writing', () => {
  it('is cut off when it fronts a lead ("Yesterday, …")', () => {
    expect(
      shorten(
        'Yesterday, the police explained that officers shot and killed a 16-year-old in Brooklyn because he allegedly pointed a gun at the cops.',
      ),
    ).toBe('the police explained that officers shot and killed a 16-year-old in Brooklyn');
  });
});

describe('isNameList', () => {
  it.each(['SeaMicro, Intel', 'Egypt, Europe', 'Zealand, Australian', 'Bush and Obama'])(
    '%s is a list',
    (t) => expect(isNameList(t)).toBe(true),
  );
  it.each(['AMD to buy server maker SeaMicro for $334 million', 'Cables cut off Egypt, disrupting Europe'])(
    '%s is a headline',
    (t) => expect(isNameList(t)).toBe(false),
  );
});

describe('the seeds', () => {
  it('get a headline with the properties of every theme headline', async () => {
    // Prepare
    const files = await readSourceFolder('seeds');
    const { articles } = await parseFiles(files);

    // Act
    const digest = await buildDigest(files, { now: () => new Date('2026-01-01T00:00:00Z') });

    // Assess
    for (const theme of digest.themes) {
      const ids = new Set(theme.articles.map((a) => a.id));
      expectHeadline(
        theme.label,
        articles.filter((a) => ids.has(a.id)),
      );
    }
  });
});
