// Themes of text beyond ASCII: letters with diacritics fold to their base letters, other scripts' words are
// terms of their own (Han and Kana as bigrams), so articles in any spelling or script cluster by what they say.
import { describe, expect, it } from 'vitest';
import type { CanonicalArticle } from '../../src/core/article.ts';
import { buildDigest } from '../../src/core/digest-from-files.ts';
import { headlineFor } from '../../src/core/headline.ts';
import { ArticleTerms } from '../../src/core/text/article-terms.ts';
import { readsAsEnglish, unreadableReason } from '../../src/core/text/sentences.ts';
import { groupThemes } from '../../src/core/themes.ts';
import { article, textFile } from '../support/articles.ts';

const members = (articles: CanonicalArticle[]) =>
  groupThemes(articles)
    .map((t) => t.articles.map((a) => a.id).sort())
    .sort((x, y) => x.length - y.length || (x[0] as string).localeCompare(y[0] as string));

describe('letters with diacritics', () => {
  const visit = (id: string, erdogan: string, zurich: string, lines: string[]) =>
    article(id, `${erdogan} visits ${zurich} for trade talks`, [
      `President ${erdogan} arrived in ${zurich} on Tuesday.`,
      ...lines.map((line) => line.replaceAll('NAME', erdogan).replaceAll('CITY', zurich)),
    ]);
  const accented = visit('accented.txt', 'Erdoğan', 'Zürich', [
    'NAME met bankers in CITY before a dinner with the foreign minister.',
    'Protesters gathered near the CITY hotel where NAME is staying.',
  ]);
  const plain = visit('plain.txt', 'Erdogan', 'Zurich', [
    'In CITY, NAME is expected to press for closer ties with the European Free Trade Association.',
    'It is the first visit of NAME to Switzerland in a decade.',
  ]);
  const other = article('other.txt', 'Storm closes schools', [
    'A winter storm closed schools across the northeast on Tuesday as snow fell for a second day.',
    'Officials urged drivers to stay off the roads until the ploughs had cleared them.',
  ]);

  it('fold to their base letters, so two spellings of a name are one term', () => {
    // Prepare
    const terms = new ArticleTerms();

    // Act
    const tokens = (text: string) => Array.from(terms.tokens(text), (id) => terms.text(id));

    // Assess
    expect(tokens('Erdoğan, Zürich, Pérez, café, Straße')).toEqual([
      'erdogan',
      'zurich',
      'perez',
      'cafe',
      'strasse',
    ]);
    expect(tokens('Æsir ø ł đ þ œ İstanbul')).toEqual(['aesir', 'o', 'l', 'd', 'th', 'oe', 'istanbul']);
    expect(terms.tokens('Erdoğan')).toEqual(terms.tokens('Erdogan'));
  });

  it('put two articles on one event, one spelling "Erdoğan" and "Zürich", the other "Erdogan" and "Zurich", in one theme', () => {
    // Act
    const themes = members([accented, plain, other]);

    // Assess
    expect(themes).toEqual([['other.txt'], ['accented.txt', 'plain.txt']]);
  });

  it('keep a name whole and capitalised in a headline: "Pérez" is one capitalised word', () => {
    // Prepare
    const articles = [
      article('p1.txt', 'Pérez Wins Mexican Grand Prix In Front Of Home Fans', [
        'Sergio Pérez won the Mexican Grand Prix on Sunday, the first home win for a Mexican driver.',
        'Pérez passed Max Verstappen with ten laps left and held on to the finish.',
      ]),
      article('p2.txt', 'Perez takes home win', [
        'Sergio Pérez delighted the crowd in Mexico City with a win at his home race.',
      ]),
    ];

    // Act
    const title = headlineFor(articles);

    // Assess
    expect(title).toMatch(/^Pérez wins Mexican Grand Prix/);
  });

  it('keep a name capitalised in a headline in capitals that spells it without them ("PEREZ" for "Pérez")', () => {
    // Prepare
    const articles = [
      article('p1.txt', 'HOME WIN FOR PEREZ AT THE MEXICAN GRAND PRIX', [
        'Sergio Pérez won the Mexican Grand Prix on Sunday, the first home win for a Mexican driver.',
        'The crowd cheered as Pérez passed Max Verstappen with ten laps left.',
      ]),
    ];

    // Act
    const title = headlineFor(articles);

    // Assess
    expect(title).toBe('Home win for Perez at the Mexican Grand Prix');
  });
});

describe('other scripts', () => {
  const russian = [
    article('ru-quake-1.txt', 'Землетрясение магнитудой 7,0 произошло у побережья Камчатки', [
      'Землетрясение магнитудой 7,0 произошло в среду у восточного побережья Камчатки, сообщили сейсмологи.',
      'Жители Петропавловска-Камчатского выбежали на улицы, в нескольких домах треснули стены.',
      'Угроза цунами была объявлена для побережья Камчатки и отменена через час.',
    ]),
    article('ru-quake-2.txt', 'Мощное землетрясение у Камчатки: угроза цунами отменена', [
      'В среду у побережья Камчатки произошло мощное землетрясение магнитудой 7,0.',
      'По данным сейсмологов, очаг находился на глубине 40 километров, толчки ощущались в Петропавловске-Камчатском.',
      'Угроза цунами для побережья Камчатки отменена, пострадавших нет.',
    ]),
    article('ru-football-1.txt', '«Спартак» обыграл «Зенит» в Москве', [
      '«Спартак» обыграл «Зенит» со счётом 2:1 в матче чемпионата России по футболу в воскресенье.',
      'Победный мяч забил нападающий команды на 89-й минуте матча.',
      'Болельщики «Спартака» праздновали победу на трибунах стадиона до поздней ночи.',
    ]),
    article('ru-football-2.txt', '«Зенит» проиграл «Спартаку» в матче чемпионата России', [
      'В воскресенье «Зенит» уступил «Спартаку» в Москве со счётом 1:2 в матче чемпионата России.',
      'Тренер «Зенита» признал, что команда играла слабо во втором тайме.',
      'После матча «Спартак» поднялся на второе место в таблице чемпионата.',
    ]),
  ];
  const chinese = [
    article('zh-quake-1.txt', '四川雅安发生6.1级地震', [
      '中国地震台网测定，四川雅安市芦山县周三凌晨发生6.1级地震，震源深度17公里。',
      '地震造成芦山县多处房屋倒塌，目前已有十四人受伤。',
      '四川省已派出救援队伍赶赴芦山县灾区。',
    ]),
    article('zh-quake-2.txt', '芦山县6.1级地震 救援队伍赶赴灾区', [
      '周三凌晨，四川雅安市芦山县发生6.1级地震，成都等地震感明显。',
      '据当地政府通报，地震已造成十四人受伤，部分房屋倒塌。',
      '消防救援队伍连夜赶赴芦山县灾区搜救。',
    ]),
    article('zh-volleyball-1.txt', '中国女排夺得世界杯冠军', [
      '中国女排在周日举行的世界杯决赛中以3比1战胜美国队，夺得冠军。',
      '主教练赛后表示，队员们在比赛中展现了顽强的意志。',
      '这是中国女排第十一次夺得世界大赛冠军。',
    ]),
    article('zh-volleyball-2.txt', '女排世界杯决赛：中国队战胜美国队', [
      '周日晚，世界杯决赛在东京举行，中国女排以3比1击败美国队夺冠。',
      '中国队主攻手全场拿下二十六分，成为比赛得分王。',
      '球迷们在场外庆祝中国女排夺得冠军。',
    ]),
  ];

  it.each([
    ['Russian', russian],
    ['Chinese', chinese],
  ])('put two %s articles on one event in one theme, and two on another event in another', (_, articles) => {
    // Act
    const themes = members(articles);

    // Assess
    const ids = articles.map((a) => a.id);
    expect(themes).toEqual(
      [
        [ids[0], ids[1]],
        [ids[2], ids[3]],
      ].sort((x, y) => (x[0] as string).localeCompare(y[0] as string)),
    );
  });

  it('read Han and Kana runs as overlapping bigrams, and other scripts by words', () => {
    // Prepare
    const terms = new ArticleTerms();

    // Act
    const tokens = (text: string) => Array.from(terms.tokens(text), (id) => terms.text(id));

    // Assess
    expect(tokens('北京大学。東京')).toEqual(['北京', '京大', '大学', '東京']);
    expect(tokens('カメラ')).toEqual(['カメ', 'メラ']);
    expect(tokens('Москва, Ёлка и 2024 год')).toEqual(['москва', 'елка', 'и', '2024', 'год']);
    expect(tokens('Ελλάδα ΟΔΟΣ 서울 시장 नई दिल्ली')).toEqual([
      'ελλαδα',
      'οδοσ',
      '서울',
      '시장',
      'नई',
      'दिल्ली',
    ]);
  });
});

describe('readability beyond English', () => {
  it('applies the English tests only to a sentence that reads as English', () => {
    // Assess: ASCII text, and text with a letter beyond ASCII and at least 15% English stopwords, reads as English.
    expect(readsAsEnglish('Obama won.')).toBe(true);
    expect(readsAsEnglish('Traian Băsescu said on Monday that the Romanian government would resign.')).toBe(
      true,
    );
    expect(readsAsEnglish('Traian Băsescu, Romanian president, in Bucharest.')).toBe(true);
    // A short sentence whose only letters beyond ASCII are in a capitalised Latin name reads as its ASCII spelling does.
    expect(readsAsEnglish('Pérez scored twice.')).toBe(true);
    expect(readsAsEnglish('Pe\u0301rez scored twice.')).toBe(true);
    expect(readsAsEnglish('Zoë Kravitz, Hollywood actress, Paris premiere.')).toBe(true);
    expect(readsAsEnglish('Élisabeth Borne quitte le gouvernement après une réforme.')).toBe(false);
    expect(readsAsEnglish('Москва ответила.')).toBe(false);
    // A variation selector (after an emoji) is no letter of another language.
    expect(readsAsEnglish('Storm warning ⚠\ufe0f issued.')).toBe(true);
    expect(readsAsEnglish('Le président de la République a annoncé mardi une réforme des retraites.')).toBe(
      false,
    );
    expect(readsAsEnglish('Угроза цунами для побережья Камчатки отменена, пострадавших нет.')).toBe(false);
    expect(readsAsEnglish('据当地政府通报，地震已造成十四人受伤，部分房屋倒塌。')).toBe(false);
  });

  it.each([
    ['Угроза цунами для побережья Камчатки отменена, пострадавших нет.', undefined],
    ['據當地政府通報，地震已造成十四人受傷，部分房屋倒塌。', undefined],
    ['«Мы восстановим город», — сказал мэр Петропавловска-Камчатского.', undefined],
    ['Le président de la République a annoncé mardi une réforme des retraites.', undefined],
    // Another language's fragments and questions are still found.
    ['пострадавших нет, сообщили в министерстве по чрезвычайным ситуациям.', 'fragment'],
    ['据当地政府通报，地震已造成十四人受伤，部分房屋倒塌', 'fragment'],
    ['地震', 'fragment'],
    ['地震已造成多少人受伤，部分房屋是否倒塌？', 'question'],
    // English with a name beyond ASCII keeps the English tests.
    ['Traian Băsescu, Romanian president, in Bucharest.', 'caption'],
    ['traian Băsescu said on Monday that the government would resign.', 'fragment'],
    ['Zoë Kravitz, Hollywood actress, Paris premiere.', 'caption'],
    ['José Mourinho, Chelsea manager, at Stamford Bridge.', 'caption'],
  ])('%s: %s', (sentence, reason) => {
    expect(unreadableReason(sentence)).toBe(reason);
  });

  it('gives a Russian and a Chinese theme, built from files, points that cite their articles', async () => {
    // Prepare
    const files = [
      textFile(
        'ru1.txt',
        'Землетрясение магнитудой 7,0 произошло у побережья Камчатки\n\nЗемлетрясение магнитудой 7,0 произошло в среду у восточного побережья Камчатки, сообщили сейсмологи. Жители Петропавловска-Камчатского выбежали на улицы, в нескольких домах треснули стены. Угроза цунами была объявлена для побережья Камчатки и отменена через час.\n',
      ),
      textFile(
        'ru2.txt',
        'Мощное землетрясение у Камчатки: угроза цунами отменена\n\nВ среду у побережья Камчатки произошло мощное землетрясение магнитудой 7,0. По данным сейсмологов, очаг находился на глубине 40 километров, толчки ощущались в Петропавловске-Камчатском. Угроза цунами для побережья Камчатки отменена, пострадавших нет.\n',
      ),
      textFile(
        'zh1.txt',
        '四川雅安发生6.1级地震\n\n中国地震台网测定，四川雅安市芦山县周三凌晨发生6.1级地震，震源深度17公里。地震造成芦山县多处房屋倒塌，目前已有十四人受伤。四川省已派出救援队伍赶赴芦山县灾区。\n',
      ),
      textFile(
        'zh2.txt',
        '芦山县6.1级地震 救援队伍赶赴灾区\n\n周三凌晨，四川雅安市芦山县发生6.1级地震，成都等地震感明显。据当地政府通报，地震已造成十四人受伤，部分房屋倒塌。消防救援队伍连夜赶赴芦山县灾区搜救。\n',
      ),
    ];

    // Act
    const digest = await buildDigest(files, { now: () => new Date(0) });

    // Assess: two themes, one per language, each citing both its articles in points quoted from them.
    expect(digest.skipped).toEqual([]);
    const themes = digest.themes.map((theme) => ({
      articles: theme.articles.map((a) => a.id).sort(),
      cited: [...new Set(theme.points.flatMap((p) => p.sources))].sort(),
      points: theme.points.length,
    }));
    expect(themes.map((t) => t.articles).sort()).toEqual([
      ['ru1.txt', 'ru2.txt'],
      ['zh1.txt', 'zh2.txt'],
    ]);
    for (const theme of themes) {
      expect(theme.points).toBeGreaterThanOrEqual(2);
      expect(theme.cited).toEqual(theme.articles);
    }
    const bodies = files.map((f) => new TextDecoder().decode(f.bytes)).join('\n');
    for (const point of digest.themes.flatMap((t) => t.points)) expect(bodies).toContain(point.text);
  });
});
