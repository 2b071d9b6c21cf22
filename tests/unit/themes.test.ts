import { describe, expect, it } from 'vitest';
import { readSourceFolder } from '../../src/adapters/local-files.ts';
import type { CanonicalArticle } from '../../src/core/article.ts';
import { buildDigest } from '../../src/core/digest-from-files.ts';
import { isNameList } from '../../src/core/headline.ts';
import { groupThemes } from '../../src/core/themes.ts';
import { article, shuffled } from '../support/articles.ts';

const quake = (id: string, extra: string) =>
  article(id, `Earthquake strikes Qeshm island in Iran, ${extra}`, [
    'A strong earthquake struck Qeshm island in southern Iran on Sunday, killing at least ten villagers.',
    'The Iranian Red Crescent sent rescue teams to Qeshm and nearby villages in Hormozgan province.',
    `Officials in Bandar Abbas said ${extra} and that aftershocks were felt across the Gulf.`,
  ]);
const oscars = (id: string, extra: string) =>
  article(id, `Hugh Jackman to host the Academy Awards, ${extra}`, [
    'Hugh Jackman will host the Academy Awards ceremony in Hollywood next February, producers announced.',
    'The Oscars producers Laurence Mark and Bill Condon praised Jackman as a showman who sings and dances.',
    `Jackman said ${extra} and that hosting the Oscars was a dream come true.`,
  ]);

const corpus = [
  quake('q1.txt', 'hundreds of homes collapsed'),
  quake('q2.txt', 'the death toll could rise'),
  quake('q3.txt', 'water supplies were cut'),
  oscars('o1.txt', 'he was thrilled'),
  oscars('o2.txt', 'rehearsals start in January'),
  article('solo.txt', 'Local bakery wins national bread prize', [
    'A family bakery in Leeds won the national sourdough championship on Friday after a blind tasting.',
    'The judges praised the crust and the open crumb of the winning loaf.',
  ]),
];

describe('groupThemes', () => {
  it('puts each story in its own theme and each article in exactly one theme', () => {
    // Act
    const themes = groupThemes(corpus);

    // Assess
    const members = themes.map((t) => t.articles.map((a) => a.id).sort());
    expect(members).toEqual([['q1.txt', 'q2.txt', 'q3.txt'], ['o1.txt', 'o2.txt'], ['solo.txt']]);
    const ids = themes.flatMap((t) => t.articles.map((a) => a.id));
    expect(new Set(ids).size).toBe(corpus.length);
  });

  it('gives the same themes, order, ids and labels for the same articles in any order', () => {
    // Act
    const first = groupThemes(corpus);
    const second = groupThemes(shuffled(corpus));

    // Assess
    expect(second).toEqual(first);
  });

  it('titles each theme with a headline from its own articles, not a list of names', () => {
    // Act
    const [quakes, awards] = groupThemes(corpus);

    // Assess
    expect(quakes?.label).toMatch(/Qeshm/);
    expect(awards?.label).toMatch(/Hugh Jackman|Academy Awards|Oscars/);
    for (const theme of groupThemes(corpus)) {
      expect(theme.label.split(/\s+/).length).toBeGreaterThanOrEqual(4);
      expect(theme.label.split(/\s+/).length).toBeLessThanOrEqual(14);
      expect(isNameList(theme.label)).toBe(false);
    }
  });

  it('ranks by size, then distinct sources, then recency', () => {
    // Prepare: two single-article stories, one more recent.
    const older = article(
      'a.txt',
      'Harbour bridge reopens after repairs',
      ['The harbour bridge reopened to traffic on Monday after six months of repairs.'],
      { published: '2026-01-01T00:00:00Z' },
    );
    const newer = article(
      'b.txt',
      'Chess champion retires from play',
      ['The reigning chess champion announced her retirement from competitive play.'],
      { published: '2026-02-01T00:00:00Z' },
    );

    // Act
    const themes = groupThemes([older, newer, ...corpus]);

    // Assess
    expect(themes.map((t) => t.articles.length)).toEqual([3, 2, 1, 1, 1]);
    const singles = themes.slice(2).map((t) => t.articles[0]?.id);
    expect(singles.indexOf('b.txt')).toBeLessThan(singles.indexOf('a.txt'));
  });

  it('keeps two events of one kind apart and one event from many outlets together', () => {
    // Prepare: two quakes on one island, told by four outlets each; each quake has its own
    // magnitude, toll, village and date in every lead.
    const asides = [
      'Rescue teams reached the island within hours.',
      'Many families spent the night outside in tents.',
      'Schools were closed while engineers checked the buildings.',
      'The quake was felt as far away as the coast.',
    ];
    const quakeOn = (day: string, magnitude: string, village: string, toll: string) =>
      asides.map((aside, i) =>
        article(`${village}-${i}.txt`, `Earthquake strikes island in southern Iran`, [
          `A ${magnitude} magnitude earthquake struck Qeshm island in southern Iran on ${day}, damaging homes in ${village}.`,
          `Officials said ${toll} people were hurt in ${village} and nearby villages.`,
          aside,
        ]),
      );
    const first = quakeOn('November 27, 2005', '5.9', 'Tonbu', '80');
    const second = quakeOn('September 10, 2008', '5.6', 'Dargahan', '5');

    // Act
    const themes = groupThemes([...first, ...second]);

    // Assess
    const members = themes.map((t) => t.articles.map((a) => a.id.split('-')[0]).sort());
    expect(members).toEqual([Array(4).fill('Dargahan'), Array(4).fill('Tonbu')]);
  });

  it('joins loosely linked coverage of the same people only when it came out over the same days', () => {
    // Prepare: one check-in told two ways (the clinic's side, the lawyer's side), three outlets each.
    const asides = [
      'Her publicist declined to comment on the move.',
      'Photographers waited outside the gates all afternoon.',
      'Fans left flowers and notes by the entrance.',
    ];
    const side = (name: string, title: string, lead: string, detail: string) => (published?: string) =>
      asides.map((aside, i) =>
        article(`${name}-${i}.txt`, title, [lead, detail, aside], { ...(published && { published }) }),
      );
    const clinic = side(
      'clinic',
      'Lindsay Lohan checks into Betty Ford Center',
      'Lindsay Lohan checked into the Betty Ford Center to begin the treatment ordered by Judge Stephanie Sautner.',
      'Staff at the desert clinic in Rancho Mirage greeted her at dawn.',
    );
    const lawyer = side(
      'lawyer',
      'Lawyer says Lindsay Lohan entered rehab',
      'Lindsay Lohan entered a rehab facility on Thursday, as Judge Stephanie Sautner had ordered, her lawyer told reporters.',
      'Court papers show the stay must last ninety days.',
    );
    const themeCount = (articles: CanonicalArticle[]) => groupThemes(articles).length;

    // Act + Assess: the next day is one news cycle; weeks later, or undated, the link is too loose.
    expect(themeCount([...clinic('2013-05-02T18:00:00Z'), ...lawyer('2013-05-03T09:00:00Z')])).toBe(1);
    expect(themeCount([...clinic('2013-05-02T18:00:00Z'), ...lawyer('2013-06-20T09:00:00Z')])).toBe(2);
    expect(themeCount([...clinic(), ...lawyer()])).toBe(2);
  });

  it('titles an article without a headline by its lead sentence', () => {
    const plain = article('plain.txt', '', [
      'the bakery opened on friday morning with fresh bread for everyone.',
    ]);
    const [theme] = groupThemes([plain]);
    expect(theme?.label).toBe('The bakery opened on friday morning with fresh bread for everyone');
  });

  it('reads candidate counts beyond the articles, fractional or unbounded, as the most there can be', () => {
    // Act
    const themes = (options: Parameters<typeof groupThemes>[1]) =>
      groupThemes(corpus, options).map((t) => t.articles.map((a) => a.id));

    // Assess
    const all = themes({ candidateTerms: 10_000, candidatesPerArticle: 10_000 });
    expect(themes({ candidateTerms: Number.POSITIVE_INFINITY, candidatesPerArticle: 1e9 })).toEqual(all);
    expect(themes({ candidateTerms: 30.7, candidatesPerArticle: 12.2 })).toEqual(themes({}));
  });

  it('handles no articles and one article', () => {
    expect(groupThemes([])).toEqual([]);
    const [only] = groupThemes([corpus[5] as (typeof corpus)[number]]);
    expect(only?.articles.map((a) => a.id)).toEqual(['solo.txt']);
    expect(only?.label.length).toBeGreaterThan(0);
  });
});

describe('a small folder', () => {
  it('keeps three unrelated wire stories apart although their few common words match', async () => {
    // Prepare: a celebrity's rehab, a quake in Iran and US tax relief for tsunami donations (eval copies)
    const files = await readSourceFolder('tests/fixtures/articles/eval');
    const stories = files.filter((file) => file.id.endsWith('.txt'));

    // Act
    const digest = await buildDigest(stories, { now: () => new Date('2026-01-01T00:00:00Z') });

    // Assess
    expect(stories).toHaveLength(3);
    expect(digest.themes.map((theme) => theme.articles.length)).toEqual([1, 1, 1]);
  });

  it('keeps two unrelated stories apart when they are the only two, whatever words they happen to share', async () => {
    // Prepare: each seed (Pakistan and the Haqqani network) beside each story of another subject (a celebrity's
    // rehab, a quake in Iran, US tax relief for tsunami donations), alone in a folder. Their vectors keep only the
    // terms the two share, so they look alike however few of their words those are.
    const seeds = await readSourceFolder('seeds');
    const others = (await readSourceFolder('tests/fixtures/articles/eval')).filter((file) =>
      file.id.endsWith('.txt'),
    );

    // Act
    const pairs = await Promise.all(
      seeds.flatMap((seed) =>
        others.map(async (other) => {
          const digest = await buildDigest([seed, other], { now: () => new Date('2026-01-01T00:00:00Z') });
          return `${seed.id} + ${other.id}: ${digest.themes.length}`;
        }),
      ),
    );

    // Assess
    expect(pairs).toEqual(seeds.flatMap((seed) => others.map((other) => `${seed.id} + ${other.id}: 2`)));
  });

  it('keeps the five seed articles together and four unrelated stories beside them apart', async () => {
    // Prepare
    const seeds = await readSourceFolder('seeds');
    const others = (await readSourceFolder('tests/fixtures/articles')).filter((file) =>
      /^(eval\/.*\.txt|wire-story\.txt)$/.test(file.id),
    );

    // Act
    const digest = await buildDigest([...seeds, ...others], { now: () => new Date('2026-01-01T00:00:00Z') });

    // Assess
    expect(others).toHaveLength(4);
    expect(digest.themes.map((theme) => theme.articles.length)).toEqual([5, 1, 1, 1, 1]);
  });
});

describe('the seeds', () => {
  it('form one theme (two at most) whose points cite at least three different articles', async () => {
    // Prepare
    const files = await readSourceFolder('seeds');

    // Act
    const digest = await buildDigest(files, { now: () => new Date('2026-01-01T00:00:00Z') });

    // Assess
    expect(digest.themes.length).toBeLessThanOrEqual(2);
    const cited = new Set(digest.themes[0]?.points.flatMap((p) => p.sources));
    expect(cited.size).toBeGreaterThanOrEqual(3);
    const points = digest.themes[0]?.points.length ?? 0;
    expect(points).toBeGreaterThanOrEqual(2);
    expect(points).toBeLessThanOrEqual(5);
  });

  it('give the same digest in any file order', async () => {
    // Prepare
    const files = await readSourceFolder('seeds');
    const now = () => new Date('2026-01-01T00:00:00Z');

    // Act
    const first = await buildDigest(files, { now });
    const second = await buildDigest(shuffled(files), { now });

    // Assess
    expect(second).toEqual(first);
  });
});
