import { describe, expect, it } from 'vitest';
import { readSourceFolder } from '../../src/adapters/local-files.ts';
import { parseFiles } from '../../src/core/parse-files.ts';
import { summarise, summariseWithAlternatives } from '../../src/core/summarise.ts';
import { ArticleTerms } from '../../src/core/text/article-terms.ts';
import { contentTerms, normaliseForMatch, wordCount } from '../../src/core/text/tokens.ts';
import { article, shuffled } from '../support/articles.ts';

const story = [
  article('a.txt', 'Flood waters rise in Bangkok', [
    'Saturday, October 22, 2011',
    'Flood waters from the Chao Phraya river reached northern Bangkok on Saturday as the government opened sluice gates.',
    'He said the city centre would be protected by a ring of dikes.',
    'Prime Minister Yingluck Shinawatra said the flood waters would pass through Bangkok within two weeks.',
    'Have you been affected by the floods?',
    'More than 350 people have died in the floods since July, officials said.',
  ]),
  article('b.txt', 'Bangkok braces for flood waters', [
    'BANGKOK (Reuters) — Flood waters from the Chao Phraya river reached northern Bangkok on Saturday as the government opened sluice gates.',
    'Prime Minister Yingluck Shinawatra said the flood waters would pass through Bangkok within two weeks.',
    'However, residents of Don Muang district were told to move to higher ground.',
    'The floods have damaged more than 10,000 factories in the industrial estates north of the capital.',
  ]),
  article('c.txt', 'Thai floods reach the capital', [
    'The Thai government opened sluice gates to drain flood waters into the sea through eastern Bangkok.',
    'More than 350 people have died in the floods since July, officials said.',
    'Flood waters from the Chao Phraya river reached northern Bangkok on Saturday as the government opened sluice gates.',
    'The floods have damaged more than 10,000 factories in the industrial estates north of the capital.',
    'Photo: AFP/File',
  ]),
];

/** Whether `point` is `sentence`, or its end after a dropped first word or two with the first letter capitalised. */
const quotedFrom = (point: string, sentence: string) => {
  const lowered = point.charAt(0).toLowerCase() + point.slice(1);
  return sentence === point || (sentence.endsWith(lowered) && sentence.length - lowered.length <= 20);
};

const articleText = (id: string) => {
  const found = story.find((a) => a.id === id);
  return ` ${normaliseForMatch(`${found?.title} ${found?.sentences.join(' ')}`)} `;
};

describe('summarise', () => {
  it('stays within the word budget with whole sentences quoted from the articles', () => {
    for (const words of [15, 30, 60, 250]) {
      // Act
      const points = summarise(story, { words });

      // Assess
      const used = points.reduce((n, p) => n + wordCount(p.text), 0);
      expect(used).toBeLessThanOrEqual(words);
      const sentences = new Set(story.flatMap((a) => a.sentences));
      const bylineFree = [...sentences].map((s) => s.replace(/^BANGKOK \(Reuters\) — /, ''));
      for (const point of points) expect(bylineFree.some((s) => quotedFrom(point.text, s))).toBe(true);
    }
  });

  it('gives the same points in the same order for the articles in any order', () => {
    expect(summarise(shuffled(story), { words: 60 })).toEqual(summarise(story, { words: 60 }));
  });

  it("gives the same summary from a build's shared terms as from its own", () => {
    // Arrange: terms that have already read other text, as the pipeline's have by the summaries stage.
    const shared = new ArticleTerms();
    shared.tokens('Unrelated words come first, so every id differs from a fresh vocabulary.');
    for (const a of story) shared.textTokens(a);

    // Act
    const own = summariseWithAlternatives(story, { words: 60, minPoints: 2 }, 2);
    const fromShared = summariseWithAlternatives(story, { words: 60, minPoints: 2 }, 2, shared);

    // Assess
    expect(fromShared).toEqual(own);
    expect(own.points.length).toBeGreaterThan(1);
  });

  it('never picks a dateline, caption, question or a sentence that needs the one before it', () => {
    // Prepare: the story's sentences a reader could not take as a point on its own
    const unusable = [
      'Saturday, October 22, 2011', // a dateline
      'Photo: AFP/File', // a caption
      'Have you been affected by the floods?', // a question to the reader
      'He said the city centre would be protected by a ring of dikes.', // who is "he"?
    ];

    // Act
    const points = summarise(story, { words: 250 });

    // Assess
    expect(points.length).toBeGreaterThan(1);
    for (const point of points)
      for (const sentence of unusable) expect(quotedFrom(point.text, sentence), point.text).toBe(false);
  });

  it('drops a leading connective when the rest stands alone, and skips pronoun openers', () => {
    // Prepare
    const leak = article('leak.txt', 'Minister resigns over budget leak', [
      'The finance minister resigned on Tuesday after the budget was leaked to reporters.',
      'He said the leak had made his position untenable and apologised to parliament.',
      'But the opposition parties called for an early general election in the spring.',
      'However, he will keep his seat in parliament.',
    ]);

    // Act
    const texts = summarise([leak], { words: 60 }).map((p) => p.text);

    // Assess
    expect(texts).toContain('The opposition parties called for an early general election in the spring.');
    expect(texts.some((t) => /^(?:He|However|But)\b/u.test(t))).toBe(false);
    expect(texts.join(' ')).not.toContain('keep his seat');
  });

  it('opens a point with a bare surname only when the first point says who that is', () => {
    // Prepare: the same follow-up sentence under a lead that names the man and under one that does not.
    const detail = 'Banky was the chief executive of a natural health products company in Burnaby.';
    const story = (lead: string) => [
      article('v1.txt', 'Gunman kills man at office party', [
        lead,
        detail,
        'Police said the gunman was a former employee of the health products company.',
      ]),
      article('v2.txt', 'Vancouver office party shooting', [
        'A former employee opened fire at an office Christmas party in Vancouver, police said.',
        detail,
        'The gunman was arrested at the scene of the office party by Vancouver police.',
      ]),
    ];

    // Act
    const named = summarise(
      story(
        'A gunman shot dead Benjamin Banky at an office Christmas party in Vancouver on Friday, police said.',
      ),
      { words: 80 },
    ).map((p) => p.text);
    const unnamed = summarise(
      story('A gunman shot dead a man at an office Christmas party in Vancouver on Friday, police said.'),
      { words: 80 },
    ).map((p) => p.text);

    // Assess
    expect(named).toContain(detail);
    expect(named.indexOf(detail)).toBeGreaterThan(named.findIndex((t) => t.includes('Benjamin Banky')));
    expect(unnamed).not.toContain(detail);
    expect(unnamed.length).toBeGreaterThan(1);
  });

  it('reads a quotation whose speaker is named by one word after the point that names them in full', () => {
    // Prepare: the outlet quotes "Heller" one sentence before it says who Heller is.
    const quote =
      '"My client is at the rehab facility in Newport Beach right now," Heller argued after a prosecutor objected.';
    const intro = 'Attorney Mark Heller said the actress would stay at the facility for 90 days.';
    const articles = [
      article('l1.txt', 'Lohan checks into rehab', [
        'Lindsay Lohan checked into a rehab facility in Newport Beach on Thursday, her lawyer told the court.',
        quote,
        intro,
      ]),
      article('l2.txt', 'Lohan in rehab, lawyer says', [
        'Lindsay Lohan has checked into a rehab facility in Newport Beach, her lawyer told the court on Thursday.',
        'Attorney Mark Heller told Judge James Dabney that Lohan had checked into a rehab facility in Newport Beach.',
        'The judge had ordered Lindsay Lohan to spend 90 days in a locked rehab facility.',
      ]),
    ];

    // Act
    const texts = summarise(articles, { words: 120 }).map((p) => p.text);

    // Assess
    expect(texts).toContain(quote);
    expect(texts).toContain(intro);
    expect(texts.indexOf(quote)).toBeGreaterThan(texts.indexOf(intro));
  });

  it('opens with a lead, stands alone and never repeats a point in other words, on varied stories', () => {
    // Prepare: stories told by several outlets, each rewording the others, with dependent sentences.
    const dependent = [
      'They were buried under the rubble of their mud-brick homes.',
      'That was the third strong quake in the region this year.',
      'It is the first time in years that the show has not picked a comedian.',
      'There will be more music in the show than in past years.',
    ];
    const stories = [
      [
        article('q1.txt', 'Quake hits Qeshm', [
          'A strong earthquake struck Qeshm island in southern Iran on Sunday, killing ten villagers.',
          'They were buried under the rubble of their mud-brick homes.',
          'The Red Crescent sent 40 rescue teams to the island.',
        ]),
        article('q2.txt', 'Deadly quake on Iranian island', [
          'An earthquake killed ten villagers on Qeshm island in southern Iran on Sunday.',
          'Aftershocks were felt in Bandar Abbas, the provincial capital.',
          'That was the third strong quake in the region this year.',
        ]),
        article('q3.txt', 'Iran quake', [
          'Ten villagers died when a strong earthquake struck the Iranian island of Qeshm on Sunday.',
          'But rescue teams reached the island within two hours, the governor said.',
          '"We are still searching the rubble for survivors," Governor Ali Hosseini told state television.',
        ]),
      ],
      [
        article('o1.txt', 'Jackman to host Oscars', [
          'Hugh Jackman will host the Academy Awards ceremony in Hollywood next February, producers announced.',
          'The Australian actor starred in the musical The Boy from Oz on Broadway.',
          'It is the first time in years that the show has not picked a comedian.',
        ]),
        article('o2.txt', 'Oscars pick Jackman', [
          'Producers announced that Hugh Jackman will host the Academy Awards in Hollywood in February.',
          'Jackman said hosting the Oscars was a dream come true for an Australian actor.',
          'There will be more music in the show than in past years.',
        ]),
      ],
    ];

    for (const articles of stories) {
      // Act
      const points = summarise(articles, { words: 80, minPoints: 2, maxPoints: 5 });

      // Assess
      expect(points.length).toBeGreaterThanOrEqual(2);
      const leads = articles.map((a) => a.sentences[0]);
      expect(leads).toContain(points[0]?.text);
      for (const point of points) {
        for (const sentence of dependent) expect(quotedFrom(point.text, sentence), point.text).toBe(false);
        expect(articles.some((a) => a.sentences.some((s) => quotedFrom(point.text, s)))).toBe(true);
      }
      for (const [i, a] of points.entries())
        for (const b of points.slice(i + 1)) {
          const x = new Set(contentTerms(a.text));
          const y = contentTerms(b.text).filter((t) => x.has(t)).length;
          expect(y / Math.min(x.size, new Set(contentTerms(b.text)).size)).toBeLessThan(2 / 3);
        }
    }
  });

  it('skips a paraphrase that brings no new name or figure, keeps one that does', () => {
    // Prepare: three outlets report one death; two restate the lead with the same names and another
    // wording (under the 2/3 word overlap of a near-copy), the others add figures, names, a next step.
    const death = 'Film star Ana Reyes died on Thursday in Madrid at the age of 88, her family said.';
    const restatements = [
      'Screen legend and dancer Ana Reyes, a star of musicals, has died.',
      'Ana Reyes, the beloved star of musicals, has died at home, her agent said.',
    ];
    const facts = [
      'Reyes starred in 40 films across five decades of musicals and dramas.',
      'The Madrid city council will hold a public memorial for Reyes on Monday.',
    ];
    const articles = [
      article('r1.txt', 'Ana Reyes dies at 88', [death, restatements[1] as string, facts[0] as string]),
      article('r2.txt', 'Screen legend Reyes dies', [restatements[0] as string, facts[1] as string]),
      article('r3.txt', 'Madrid mourns Reyes', [
        restatements[1] as string,
        restatements[0] as string,
        facts[0] as string,
        facts[1] as string,
      ]),
    ];

    for (const order of [articles, shuffled(articles), [...articles].reverse()]) {
      // Act
      const texts = summarise(order, { words: 120 }).map((p) => p.text);

      // Assess: a lead, then the new facts; nothing that restates a point before it.
      expect([death, ...restatements]).toContain(texts[0]);
      for (const restatement of restatements) expect(texts.slice(1)).not.toContain(restatement);
      for (const fact of facts) expect(texts).toContain(fact);
    }
  });

  it('cites every article a point is found in, and only those', () => {
    // Act
    const points = summarise(story, { words: 250 });

    // Assess
    expect(points.length).toBeGreaterThan(0);
    for (const point of points) {
      const needle = ` ${normaliseForMatch(point.text)} `;
      const expected = story.filter((a) => articleText(a.id).includes(needle)).map((a) => a.id);
      expect(point.sources).toEqual(expected);
    }
    const shared = points.find((p) => p.text.startsWith('Flood waters from the Chao Phraya'));
    expect(shared?.sources).toEqual(['a.txt', 'b.txt', 'c.txt']);
  });

  it('limits the number of points and spreads them over the articles', () => {
    // Act
    const points = summarise(story, { words: 80, maxPoints: 3 });

    // Assess
    expect(points.length).toBeGreaterThanOrEqual(2);
    expect(points.length).toBeLessThanOrEqual(3);
    expect(new Set(points.flatMap((p) => p.sources)).size).toBeGreaterThan(1);
  });

  it('skips a near-repeat of a chosen point even when it comes from another article', () => {
    // Prepare
    const first = article('us.txt', 'Tara Reid enters rehab', [
      '"Tara Reid has checked herself into Promises Treatment Center," Reid\'s rep told Us Weekly on Tuesday.',
      'The actress launched a fashion line called Mantra in December.',
    ]);
    const second = article('people.txt', 'Tara Reid in rehab', [
      '"Tara Reid has checked herself into Promises Treatment Center," her rep told People magazine on Tuesday.',
      'The rep would not say what the actress was being treated for at Promises.',
    ]);
    const third = article('star.txt', 'Reid checks into Promises', [
      'The actress checked into Promises Treatment Center in Malibu on Tuesday, her rep said.',
      'The rep would not say what the actress was being treated for.',
    ]);

    // Act
    const texts = summarise([first, second, third], { words: 100 }).map((p) => p.text);

    // Assess
    expect(texts.filter((t) => t.includes('has checked herself into Promises'))).toHaveLength(1);
  });

  it('leaves room for a second point when asked for at least two', () => {
    // Prepare: one long sentence that covers the most concepts and would use the whole budget alone.
    const long = article('long.txt', 'Council approves new river bridge', [
      'The city council approved the new river bridge on Monday after a long debate about the cost of the new river bridge, its design, the traffic on the new river bridge, the noise of the works and the years of work.',
      'The new river bridge will open in 2028.',
      'The council debate about the bridge lasted six hours.',
    ]);

    // Act
    const one = summarise([long], { words: 45 });
    const two = summarise([long], { words: 45, minPoints: 2 });

    // Assess
    expect(one.map((p) => p.text)).toEqual([long.sentences[0]]);
    expect(two.map((p) => p.text)).toEqual([long.sentences[1], long.sentences[2]]);
  });

  it("takes each article's opening fact before details, even after a caption", () => {
    // Prepare: a story told over four articles, each reporting one development in its first sentence
    // and recalling the others further down, as follow-up stories do.
    const developments = [
      article('1.txt', 'Ferry runs aground', [
        'The ferry Baltic Star ran aground off Tallinn harbour on Friday night.',
        'The vessel was built in Finland in 1998 and sails twice a day.',
      ]),
      article('2.txt', 'Passengers rescued', [
        'All passengers of the Baltic Star ferry were rescued by the coast guard on Saturday.',
        'The ferry ran aground off Tallinn harbour on Friday night with 200 people on board.',
      ]),
      article('3.txt', 'Captain questioned', [
        'Passengers of the Baltic Star on the quay in Tallinn harbour after the rescue.',
        'Estonian police questioned the captain of the Baltic Star ferry on Monday.',
        'The passengers were rescued by the coast guard on Saturday after a night on board.',
        'Tugs will tow the damaged Baltic Star ferry into Tallinn harbour on Wednesday.',
      ]),
      article('4.txt', 'Ferry towed to port', [
        'Tugs towed the damaged Baltic Star ferry into Tallinn harbour on Wednesday.',
        'Police questioned the captain of the ferry on Monday about the night it ran aground.',
      ]),
    ];

    // Act
    const points = summarise(developments, { words: 60 });

    // Assess
    expect(points.map((p) => p.text)).toEqual([
      developments[0]?.sentences[0],
      developments[1]?.sentences[0],
      developments[2]?.sentences[1],
      developments[3]?.sentences[0],
    ]);
  });

  it('prefers sentences near the top of their article on the seeds, where the key facts come first', async () => {
    // Prepare
    const { articles } = await parseFiles(await readSourceFolder('seeds'));

    // Act: the digest's budget per theme.
    const points = summarise(articles, { words: 80, minPoints: 2, maxPoints: 5 });

    // Assess: without the position prior (positionDecay 0) the last sentence of one article is chosen.
    expect(points.length).toBeGreaterThanOrEqual(2);
    for (const point of points) {
      const ranks = articles
        .filter((a) => point.sources.includes(a.id))
        .map((a) => a.sentences.findIndex((s) => s.includes(point.text)));
      expect(Math.min(...ranks)).toBeLessThanOrEqual(1);
    }
  });

  it('offers as alternatives what a wider summary of the same ranking adds, never a point already chosen', async () => {
    // Prepare
    const { articles } = await parseFiles(await readSourceFolder('seeds'));
    const options = { words: 80, minPoints: 2, maxPoints: 5 };

    // Act
    const { points, alternatives } = summariseWithAlternatives(articles, options, 4);

    // Assess: the points are summarise()'s; the alternatives are the further points of a summary with
    // room for four more, in its order.
    expect(points).toEqual(summarise(articles, options));
    const wider = summarise(articles, { words: 400, maxPoints: points.length + 4, minPoints: 1 });
    const taken = new Set(points.map((p) => p.text));
    expect(alternatives).toEqual(wider.filter((p) => !taken.has(p.text)).slice(0, 4));
    expect(alternatives.length).toBeGreaterThan(0);
  });

  it('returns nothing for no articles or a budget no sentence fits', () => {
    expect(summarise([], { words: 100 })).toEqual([]);
    expect(summarise(story, { words: 3 })).toEqual([]);
  });
});
