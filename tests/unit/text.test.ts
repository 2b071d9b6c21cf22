import { describe, expect, it } from 'vitest';
import { ArticleTerms } from '../../src/core/text/article-terms.ts';
import { rougeN } from '../../src/core/text/rouge.ts';
import {
  needsAntecedent,
  unreadableReason,
  withoutConnective,
  withoutDateline,
} from '../../src/core/text/sentences.ts';
import { type TermVectors, termVectors } from '../../src/core/text/term-vectors.ts';
import { dot, tfidfVectors } from '../../src/core/text/tfidf.ts';
import {
  contentTerms,
  firstWords,
  normaliseForMatch,
  stem,
  trimWhere,
  words,
} from '../../src/core/text/tokens.ts';
import { VectorIndex } from '../../src/core/text/vector-index.ts';

describe('ROUGE', () => {
  it('scores a hand-checked example: pooled references, recall and precision', () => {
    // Prepare
    const summary = 'The cat sat on the mat.';
    const references = ['The cat was on the mat.', 'A dog sat on a mat.'];

    // Act
    const r1 = rougeN(summary, references, 1, { words: 100 });
    const r2 = rougeN(summary, references, 2, { words: 100 });

    // Assess: unigram hits 5 (the x2, cat, on, mat) + 3 (sat, on, mat) over 6 + 6 reference unigrams;
    // bigram hits 3 (the cat, on the, the mat) + 1 (sat on) over 5 + 5 reference bigrams.
    expect(r1.recall).toBeCloseTo(8 / 12, 10);
    expect(r1.precision).toBeCloseTo(8 / 12, 10);
    expect(r2.recall).toBeCloseTo(4 / 10, 10);
  });

  it('stems tokens longer than 3 characters, keeps stopwords and cuts both texts at the word budget', () => {
    // Prepare
    const summary = 'Running dogs bark loudly tonight';
    const reference = 'runs dog barked';

    // Act
    const cut = rougeN(summary, [reference], 1, { words: 3 });

    // Assess: running->run, dogs->dog, bark; the reference's barked->bark; "loudly tonight" are cut.
    expect(stem('running')).toBe('run');
    expect(stem('dog')).toBe('dog');
    expect(cut.recall).toBe(1);
    expect(cut.precision).toBe(1);
  });
});

describe('tokens and vectors', () => {
  it('gives exactly the cosines dot gives from typed arrays, whichever vector is larger', () => {
    const docs = [
      ['quake', 'chile', 'tsunami', 'warning', 'quake'],
      ['quake', 'chile', 'death', 'toll'],
      ['election', 'chile', 'vote'],
      ['tsunami'],
    ];
    const vectors = tfidfVectors(docs);
    const { docs: interned, terms } = internTerms(docs);
    const index = new VectorIndex(termVectors(interned, terms));
    for (let a = 0; a < docs.length; a++)
      for (let b = 0; b < docs.length; b++)
        expect(index.dot(a, b)).toBe(
          dot(vectors[a] as Map<string, number>, vectors[b] as Map<string, number>),
        );
  });

  it('gives the entries and weights tfidfVectors gives, in its order, leaving out rare terms when asked', () => {
    // Prepare
    const docs = [
      ['quake', 'chile', 'tsunami', 'warning', 'quake'],
      ['quake', 'chile', 'death', 'toll'],
      ['election', 'chile', 'vote', 'quake'],
    ];
    const { docs: interned, terms } = internTerms(docs);
    // Act
    const all = termVectors(interned, terms);
    const common = termVectors(interned, terms, 2);
    // Assess
    const asMaps = (vectors: TermVectors) =>
      vectors.ids.map(
        (ids, d) => new Map([...ids].map((id, i) => [terms.text(id), vectors.weights[d]?.[i]])),
      );
    const entries = (maps: Map<unknown, unknown>[]) => maps.map((m) => [...m]);
    expect(entries(asMaps(all))).toEqual(entries(tfidfVectors(docs)));
    const df = new Map([
      ['quake', 3],
      ['chile', 3],
    ]);
    expect(entries(asMaps(common))).toEqual(
      entries(
        tfidfVectors(
          docs.map((d) => d.filter((t) => df.has(t))),
          df,
          docs.length,
        ),
      ),
    );
  });

  it('cuts a text after its first words and keeps a shorter one whole', () => {
    expect(firstWords('One two  three four', 2)).toBe('One two');
    expect(firstWords(' One two ', 5)).toBe(' One two ');
    expect(firstWords('One two', 2)).toBe('One two');
  });

  it('trims characters by code point, a surrogate pair as one', () => {
    expect(trimWhere('--a-b--', /-/)).toBe('a-b');
    expect(trimWhere('😀a😀', /[^\p{L}]/u)).toBe('a');
    expect(trimWhere('😀a😀', /[^\p{L}]/u, 'end')).toBe('😀a');
    expect(trimWhere('abc', /-/)).toBe('abc');
  });

  it('tokenises to lowercase a-z0-9 and drops stopwords from content terms', () => {
    expect(words("The U.S. President's 2 dogs")).toEqual(['the', 'u', 's', 'president', 's', '2', 'dogs']);
    expect(contentTerms('The dogs of the president barked')).toEqual(['dog', 'presid', 'bark']);
  });

  it('compares sentences regardless of case, punctuation and quote style', () => {
    expect(normaliseForMatch('“Heart and soul,” he said.')).toBe(
      normaliseForMatch('"heart and soul" he said'),
    );
  });

  it('builds unit TF-IDF vectors whose dot product is the cosine', () => {
    const [a, b, c] = tfidfVectors([
      ['quake', 'iran'],
      ['quake', 'iran'],
      ['oscar', 'host'],
    ]);
    expect(dot(a as Map<string, number>, b as Map<string, number>)).toBeCloseTo(1, 10);
    expect(dot(a as Map<string, number>, c as Map<string, number>)).toBe(0);
  });
});

describe('readable sentences', () => {
  it.each([
    ['Saturday, January 8, 2005', 'dateline'],
    ['2005/01/08 Tsunami aid donations in 2005 deductible for 2004 in the U.S.', 'dateline'],
    [
      'Defence Minister Khawaja Asif addresses a press conference in this undated photo.— PID/File',
      'caption',
    ],
    ['By John Smith and Jane Doe of the Associated Press.', 'byline'],
    ['Have you donated to the relief effort yet this week?', 'question'],
    ['Terror attacks from Afghan soil', 'fragment'],
    ['Says Pakistan hosted Haqqani and millions of Afghan refugees for decades.', 'fragment'],
    ['RELATED: Asif says Pakistan reserves right to pursue terrorists into Afghanistan.', 'prompt'],
    [
      'Anyone with any information about the fire is asked to contact Surrey Police on 0845 125 2222 or Crimestoppers anonymously.',
      'prompt',
    ],
    ['Anyone who has information about the crash should call the county sheriff at 555-0100.', 'prompt'],
    ['Obama Administration Restores Endangered Species Act Protections!', 'headline'],
    ['Larry Kroon of the Wasilla Bible Church told CNN.', 'fragment'],
    ['House of Representatives and the U.S.', 'fragment'],
    ['Honor this name; we ask nothing from you.”', 'fragment'],
    ['Ambulances at Russell Square, London after the July 7, 2005 bombings.', 'caption'],
    ['Lindsey Germaine: Piccadilly Line train, Jamaican-born resident of Aylesbury.', 'caption'],
    ['Passengers of the Baltic Star on the quay in Tallinn harbour after the rescue.', 'caption'],
    ['Remains of the old dairy warehouse smolder Tuesday morning in Palmer.', 'caption'],
    ['Firefighters battle the blaze at the Waitrose store on Sunday.', 'caption'],
    ['Colts interim coach Bruce Arians asked.', 'fragment'],
    ['The head of the regional fire service explained on Monday.', 'fragment'],
    ['The Senate majority leader tweeted late on Friday night.', 'fragment'],
    ['“I’m going to fight with the Republicans on this one.”', 'unattributed quote'],
    ['"We will rebuild every house that was lost in the flood."', 'unattributed quote'],
    ['We are already hearing about rapes, harassment and forced early marriages.', 'unattributed quote'],
    ['Our team will be back next season, stronger than ever before.', 'unattributed quote'],
  ])('rejects %j as %s', (sentence, reason) => {
    expect(unreadableReason(sentence)).toBe(reason);
  });

  it('accepts ordinary sentences, including ones that report speech', () => {
    expect(unreadableReason('The ministry said the talks had failed.')).toBeUndefined();
    expect(
      unreadableReason('Police said they had no information about the gunman’s motive on Saturday.'),
    ).toBeUndefined();
    expect(unreadableReason('“We will rebuild,” the mayor said on Monday.')).toBeUndefined();
  });

  it.each([
    '“We will rebuild every house that was lost,” Mayor Ann Lee told reporters.',
    '"My client is ensconced in that facility right now," Heller argued in court.',
    'According to the ministry, “the talks have failed for good this time.”',
    'Tara Reid is known for her roles in "American Pie" and "Van Wilder".',
    'Police are treating the fire at the store as "potentially suspicious".',
    'Voting will close at 6:00 p.m. local time on Sunday.',
  ])('keeps %j (a named speaker, or only a title or a term in quotes)', (sentence) => {
    expect(unreadableReason(sentence)).toBeUndefined();
  });

  it.each([
    'Prince Charles laid a wreath on behalf of the nation.',
    'The World Health Organization (WHO) estimates that 5 million people lack food.',
    'Iran claims the UK forces were in Iranian waters.',
    'The crew were stripped and dressed in pajamas.',
    'But when they play hardball, they end up going after innocent people, too.',
    'According to Michael Silverman of the Boston Herald, the Red Sox made an offer to Mark Teixeira.',
  ])('keeps the sentence %j (plain verb, or many names)', (sentence) => {
    expect(unreadableReason(sentence)).toBeUndefined();
  });

  it('accepts an ordinary sentence and strips a wire dateline from it', () => {
    const sentence = 'ISLAMABAD: Defence Minister Khawaja Asif on Thursday said Pakistan raised concerns.';
    expect(unreadableReason(sentence)).toBeUndefined();
    expect(withoutDateline(sentence)).toBe(
      'Defence Minister Khawaja Asif on Thursday said Pakistan raised concerns.',
    );
  });

  it('knows which openers need the sentence before them', () => {
    expect(needsAntecedent('He said the talks would resume on Monday.')).toBe(true);
    expect(needsAntecedent('However, the ministry denied the report.')).toBe(true);
    expect(needsAntecedent('Now it wants its money back.')).toBe(true);
    expect(needsAntecedent('This morning, Staunton police arrested Sharron Smith, 61.')).toBe(false);
    expect(needsAntecedent('Now that the sequel is confirmed, Lionsgate is casting.')).toBe(false);
    expect(needsAntecedent('This decision angered the union.')).toBe(true);
    expect(needsAntecedent('“We will not allow it,” he said, adding that talks would go on.')).toBe(true);
    expect(needsAntecedent('“We will not allow it,” the minister said.')).toBe(false);
    expect(needsAntecedent('Helen Clark said the talks would resume.')).toBe(false);
  });

  it.each([
    'There may have been an underwater landslip near the coast.',
    'That is in addition to the 300 homes lost last year.',
    'Another man was also injured but not seriously.',
    'Both were taken to the hospital in a critical condition.',
    'Previously, federal agencies had to consult the scientists.',
    'In the sixth round, he landed only one punch.',
    'After the match, her coach praised the defence.',
    'The same court rejected the appeal in March.',
    // Nothing named: who "she", "people" or "this fight" are is in the sentences before.
    'Most people thought she was dead.',
    'No one knew what to do.',
    'Two things were very apparent in this fight.',
    'The controversy prompted her disappearance from public view.',
    'Eight of the jurors were black.',
    'All of the men are British citizens.',
    'Upon arrival they found that the roof fire was quite significant.',
  ])('%j needs the sentence before it', (sentence) => {
    expect(needsAntecedent(sentence)).toBe(true);
  });

  it.each([
    'That night, the police arrested two men in Leeds.',
    'Comeaux fled on foot following his escape from the van.',
    'After she left the clinic, Lindsay Lohan checked into another one.',
    'On Sunday the minister said his party would stay in the coalition.',
    'No one was hurt in the fire at the Wasilla Bible Church.',
    'Most people in Qeshm spent the night outside.',
    'This year 52 people died in the floods.',
    'The alleged shooter is in police custody.',
  ])('%j stands alone', (sentence) => {
    expect(needsAntecedent(sentence)).toBe(false);
  });

  it.each([
    ['But the future of the measure is unclear.', 'The future of the measure is unclear.'],
    ['However, the ministry denied the report on Monday.', 'The ministry denied the report on Monday.'],
    [
      'And the rain kept falling over the valley all night.',
      'The rain kept falling over the valley all night.',
    ],
    ['Meanwhile, rescue teams reached the island by boat.', 'Rescue teams reached the island by boat.'],
  ])('drops the leading connective of %j', (sentence, rewritten) => {
    expect(needsAntecedent(sentence)).toBe(true);
    expect(withoutConnective(sentence)).toBe(rewritten);
    // Only the connective goes: the rest is the source's own words.
    expect(sentence.toLowerCase().endsWith(rewritten.toLowerCase())).toBe(true);
  });

  it.each([
    'But he said the talks would resume on Monday.',
    'However, that was not the end of the affair.',
    'Then the police arrived at the scene in force.',
    'Instead, the council voted for a new bridge.',
    'So far, nobody has claimed the attack on the base.',
    'The ministry denied the report on Monday.',
  ])('keeps the connective of %j (what is left does not stand alone, or it carries meaning)', (sentence) => {
    expect(withoutConnective(sentence)).toBeUndefined();
  });
});

/** Term lists as id arrays of one vocabulary. */
function internTerms(docs: readonly string[][]): { docs: Int32Array[]; terms: ArticleTerms } {
  const terms = new ArticleTerms();
  return { docs: docs.map((doc) => Int32Array.from(doc, (term) => terms.id(term))), terms };
}
