import fc from 'fast-check';

/** Words of the generated stories: none opens a noise line or is an abbreviation a sentence could end on. */
const WORDS = (
  'harbour council ferry winter budget bridge museum village engineers farmers orchard railway tunnel ' +
  'festival library minister theatre coastline vineyard factory workers students hospital nurses airport ' +
  'pilots glacier scientists volcano river flooding drought harvest wheat barley cattle market prices ' +
  'voters election mayor senate treaty border customs shipping container cargo vessel captain storm ' +
  'rescue divers lighthouse island fishermen quota salmon forest wildfire crews equipment highway repairs ' +
  'opened closed delayed approved rejected announced expanded reduced doubled promised warned welcomed ' +
  'quietly sharply slowly finally briefly northern southern eastern western coastal rural urban local ' +
  'national regional annual weekly historic modern ancient crowded empty narrow'
).split(' ');

const capitalised = (text: string) => `${text[0]?.toUpperCase()}${text.slice(1)}`;
const sentence = fc
  .array(fc.constantFrom(...WORDS), { minLength: 8, maxLength: 13 })
  .map((words) => `${capitalised(words.join(' '))}.`);
export const story = fc.record({
  title: fc
    .array(fc.constantFrom(...WORDS), { minLength: 3, maxLength: 6 })
    .map((w) => capitalised(w.join(' '))),
  paragraphs: fc.array(fc.array(sentence, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
});
export type Story = typeof story extends fc.Arbitrary<infer T> ? T : never;

/** A key's format, from its extension in any case. */
export const formatOf = (key: string) => key.slice(key.lastIndexOf('.') + 1).toLowerCase();

/** A story as a file of the key's format (plain text for any extension but md, html, htm and json). */
export function renderStory(key: string, s: Story): { body: string; contentType?: string } {
  const paragraphs = s.paragraphs.map((p) => p.join(' '));
  switch (formatOf(key)) {
    case 'md':
      return { body: `# ${s.title}\n\n${paragraphs.join('\n\n')}\n`, contentType: 'text/markdown' };
    case 'html':
    case 'htm':
      return {
        body: `<html><head><title>${s.title}</title></head><body><h1>${s.title}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('')}</body></html>`,
        contentType: 'text/html; charset=utf-8',
      };
    case 'json':
      return { body: JSON.stringify({ title: s.title, body: paragraphs.join('\n\n') }) };
    default:
      return { body: `${s.title}\n\n${paragraphs.join('\n\n')}\n`, contentType: 'text/plain' };
  }
}
