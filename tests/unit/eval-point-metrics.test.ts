import { describe, expect, it } from 'vitest';
import {
  contextReason,
  fragmentReason,
  pointQuality,
  redundant,
  restates,
} from '../../eval/point-metrics.ts';
import type { Digest } from '../../src/core/digest.ts';

describe('point metrics', () => {
  it.each([
    ['Bruce Arians asked.', 'too short'],
    ['the ministry said the talks had failed.', 'no capital opening'],
    ['The ministry said the talks had failed', 'no terminal punctuation'],
    ['“We will rebuild every house that was lost.', 'unbalanced quotes'],
    ['The climbers were rescued from the slopes of Aoraki-Mt.', 'ends at an abbreviation'],
    ['The bill was backed by the House of Representatives and the U.S.', 'ends at an abbreviation'],
    ['Ambulances at Russell Square, London after the July 7, 2005 bombings.', 'no verb'],
    ['Colts interim coach Bruce Arians asked.', 'bare attribution'],
    ['Larry Kroon of the Wasilla Bible Church told CNN.', 'bare attribution'],
  ])('calls %j a fragment (%s)', (text, reason) => {
    expect(fragmentReason(text)).toBe(reason);
  });

  it.each([
    'Police Const. Tim Fanning said the gunman entered the party around 4 p.m.',
    'The actress re-hired longtime attorney Shawn Holley to handle her case.',
    'The Royal Navy insists that the sailors were operating in Iraqi waters.',
    '“We will rebuild,” the mayor said on Monday.',
    'Authorities said Ortiz probably died instantly.',
    'The mayor told reporters that the plan had failed.',
  ])('calls %j a whole sentence', (text) => {
    expect(fragmentReason(text)).toBeUndefined();
  });

  it.each([
    ['There may have been an underwater landslip.', 'dependent opener'],
    ['That is in addition to the 300 homes lost last year.', 'dependent opener'],
    ['But the future of the measure is unclear.', 'dependent opener'],
    ['"I\'m going to fight with the Republicans."', 'quote without speaker'],
    ['“We will not allow it to happen again,” he said.', 'quote with a pronoun for speaker'],
    ['We are already hearing about rapes and forced marriages.', 'first person outside quotes'],
    ['In the sixth round, he landed only one punch.', 'he or she with nobody named'],
    ['Most people thought she was dead.', 'he or she with nobody named'],
    [
      'Upon arrival they found that the roof fire was quite significant.',
      'pronoun subject after an opening phrase',
    ],
    ['Eight of the jurors were black.', 'part of a group named before'],
    ['No one knew what to do.', 'subject that names nobody'],
    ['Two things were very apparent in this fight.', 'demonstrative with nothing named'],
  ])('says %j needs context (%s)', (text, reason) => {
    expect(contextReason(text)).toBe(reason);
  });

  it.each([
    'This morning, Staunton police arrested Sharron Smith, 61.',
    '"My client is ensconced in that facility right now," Heller argued in court.',
    'Police are treating the fire as "potentially suspicious".',
    'Comeaux fled on foot following his escape.',
    'No one was hurt in the fire at the Wasilla Bible Church.',
    'Profiles of the suspects in the July 7, 2005 bombings in London have been released.',
    'This year 52 people died in the floods.',
  ])('says %j stands alone', (text) => {
    expect(contextReason(text)).toBeUndefined();
  });

  it('counts reworded copies from different outlets as redundant, distinct facts as not', () => {
    expect(
      redundant('Ellen DeGeneres will host this year’s Oscars.', 'Ellen DeGeneres will host the Oscars.'),
    ).toBe(true);
    expect(
      redundant(
        'Assistant general manager Tony DiLeo was named interim coach.',
        'General manager Ed Stefanski announced Tony DiLeo, the assistant general manager, will take over as head coach.',
      ),
    ).toBe(true);
    expect(
      redundant(
        'A large fire has destroyed much of a supermarket in Somerset.',
        'A man has denied arson following a fire at a Somerset supermarket early on Sunday.',
      ),
    ).toBe(false);
  });

  it.each([
    // Same people and event, nothing new: a restatement, whatever the wording or attribution.
    [
      'Esther Williams, the Hollywood swimming star, died on Thursday in Beverly Hills at the age of 91, her spokesman said.',
      'Championship swimmer-turned-legendary Hollywood actress Esther Williams has died.',
      true,
    ],
    [
      'Police in Leeds arrested a 60-year-old woman on Friday over the 1967 killings of two shop assistants.',
      'Leeds police announced Friday they have made an arrest in the killings.',
      true,
    ],
    [
      'Maria Silva won the Lisbon marathon on Sunday in 2:21:04.',
      'Silva took the Lisbon marathon title, race organisers said.',
      true,
    ],
    // A new figure, a new name or mostly new words is a new fact.
    [
      'Esther Williams died on Thursday in Beverly Hills at the age of 91.',
      'Williams starred in 26 films for MGM.',
      false,
    ],
    [
      'Maria Silva won the Lisbon marathon on Sunday.',
      'Silva beat Kenya’s Joyce Chepkirui in the Lisbon marathon.',
      false,
    ],
    [
      'Anthony LaSalle was charged with third-degree murder.',
      'LaSalle is expected to appear in court to answer the charge.',
      false,
    ],
    // A short lead that a fuller later point repeats: the later point adds its figures.
    [
      'A fire badly damaged the Waitrose supermarket in Wellington.',
      'The fire service was called at 06:00 to the Waitrose store in Wellington on Sunday.',
      false,
    ],
  ])('judges %j then %j redundant: %s', (first, second, expected) => {
    expect(redundant(first, second)).toBe(expected);
  });

  it('finds a restatement only in the point read second', () => {
    const lead = 'Esther Williams died on Thursday in Beverly Hills, California, at the age of 91.';
    const short = 'Actress Esther Williams has died in Beverly Hills.';
    expect(restates(short, lead)).toBe(true);
    expect(restates(lead, short)).toBe(false);
  });

  it('reports shares over the points and the same-theme pairs of a digest', () => {
    // Prepare: 4 points in two themes; one fragment, one dependent opener, one redundant pair of 1 + 3.
    const digest: Digest = {
      title: 't',
      generatedAt: '2026-01-01T00:00:00.000Z',
      skipped: [],
      themes: [
        {
          id: 'a',
          label: 'a',
          articles: [],
          points: [{ text: 'Ellen DeGeneres will host the Oscars.', sources: ['1'] }],
        },
        {
          id: 'b',
          label: 'b',
          articles: [],
          points: [
            { text: 'Hugh Jackman will host the Academy Awards in February.', sources: ['2'] },
            { text: 'Producers said Hugh Jackman will host the Academy Awards.', sources: ['3'] },
            { text: 'But the show will be shorter than last year', sources: ['3'] },
          ],
        },
      ],
    };

    // Act
    const quality = pointQuality(digest);

    // Assess
    expect(quality.points).toBe(4);
    expect(quality.fragments).toBe(1 / 4);
    expect(quality.contextOpeners).toBe(1 / 4);
    expect(quality.pairs).toBe(3);
    expect(quality.redundantPairs).toBe(1 / 3);
    expect(quality.examples.fragments).toHaveLength(1);
  });
});
