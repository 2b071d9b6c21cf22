// The classes of hostile file the benchmark measures (bench/adversarial.ts) and the hostile-input tests build.

export interface AdversarialClass {
  name: string;
  /** File name: its extension picks the format. */
  file: string;
  /** The file's text, about `bytes` long. */
  make(bytes: number): string;
}

const repeat = (unit: string, bytes: number) =>
  unit.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(unit))));
const frontMatter = '---\ntitle: Hostile input\n---\n';

/** Every class measured; the adversarial tests build the same files. */
export const ADVERSARIAL_CLASSES: AdversarialClass[] = [
  {
    name: 'one long word after a sentence start (-ed, contraction patterns)',
    file: 'long-word.md',
    make: (n) => `${frontMatter}Aaa bbb ccc ddd eee ${repeat('aé', n)}.\n`,
  },
  {
    name: 'dateline-shaped run (AA-A-A...x), .txt',
    file: 'dateline.txt',
    make: (n) => `AA${repeat('-A', n)}x\n`,
  },
  {
    name: 'dateline-shaped run inside an HTML <p>',
    file: 'dateline.html',
    make: (n) => `<html><body><p>AA${repeat('-A', n)}x</p></body></html>`,
  },
  { name: 'a line of dashes', file: 'dashes.txt', make: (n) => `${repeat('-', n)}\n` },
  {
    name: 'markdown heading padded with spaces',
    file: 'heading.md',
    make: (n) => `# a${repeat(' ', n)}b\n`,
  },
  { name: 'open brackets', file: 'brackets.md', make: (n) => repeat('[', n) },
  { name: 'image and link openers', file: 'links.md', make: (n) => repeat('![a](', n) },
  { name: 'angle brackets', file: 'angles.md', make: (n) => repeat('<a ', n) },
  { name: 'emphasis marks', file: 'emphasis.md', make: (n) => `${frontMatter}${repeat('*a _', n)}\n` },
  {
    name: 'one paragraph of short sentences (He ran.)',
    file: 'sentences.txt',
    make: (n) => `Headline\n\n${repeat('He ran. ', n)}\n`,
  },
  {
    name: 'one sentence with no stop, then a stop',
    file: 'run-on.txt',
    make: (n) => `Headline\n\nThe ${repeat('word ', n)}ended. He ran.\n`,
  },
  {
    name: 'upper-case place-name run (wire dateline)',
    file: 'wire.txt',
    make: (n) => `Headline\n\n${repeat('AB ', n)}\n`,
  },
  {
    name: 'nested <div>s',
    file: 'nested.html',
    make: (n) => {
      const depth = Math.floor((n - 20) / 11);
      return `${'<div>'.repeat(depth)}<p>Deep.</p>${'</div>'.repeat(depth)}`;
    },
  },
  {
    name: 'nested inline tags',
    file: 'inline.html',
    make: (n) => {
      const depth = Math.floor((n - 30) / 7);
      return `<p>${'<b>'.repeat(depth)}The bold text ran on.${'</b>'.repeat(depth)}</p>`;
    },
  },
  {
    name: 'nested JSON arrays',
    file: 'nested.json',
    make: (n) => `${'['.repeat(Math.floor(n / 2))}${']'.repeat(Math.floor(n / 2))}`,
  },
];
