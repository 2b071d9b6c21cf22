// The classes of hostile file the benchmark measures (bench/adversarial.ts) and the hostile-input tests build.
import type { SourceFile } from '../src/core/article.ts';

export interface AdversarialClass {
  name: string;
  /** File name: its extension picks the format (a flood's files are numbered after it). */
  file: string;
  /** About `bytes` of input: one file's text, or a flood of files' texts. */
  make(bytes: number): string | string[];
}

/** A class's input of about `bytes` as source files: its one file, or its flood numbered `name-00001.ext`. */
export function adversarialFiles(adversarial: AdversarialClass, bytes: number): SourceFile[] {
  const made = adversarial.make(bytes);
  if (typeof made === 'string') return [{ id: adversarial.file, bytes: Buffer.from(made) }];
  const dot = adversarial.file.lastIndexOf('.');
  const [stem, extension] = [adversarial.file.slice(0, dot), adversarial.file.slice(dot)];
  return made.map((text, i) => ({
    id: `${stem}-${String(i).padStart(5, '0')}${extension}`,
    bytes: Buffer.from(text),
  }));
}

/** A wire story an outlet's feed floods the bucket with, each copy numbered: all near-copies of one. */
const WIRE_COPY =
  'Council approves budget\n\nThe city council approved the new budget on Tuesday after a long debate about school funding and road repairs. Officials said the plan would raise spending by four percent next year. Opponents argued that taxes would rise for families already struggling with costs.';

const repeat = (unit: string, bytes: number) =>
  unit.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(unit))));
const frontMatter = '---\ntitle: Hostile input\n---\n';

/** About `bytes` of Han characters, each drawn from the common block: one run of nearly all-distinct bigrams. */
function hanRun(bytes: number): string {
  const chars: string[] = [];
  let state = 1;
  for (let i = 0; i < Math.max(1, Math.floor(bytes / 3)); i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    chars.push(String.fromCharCode(0x4e00 + (state % 0x51a6)));
  }
  return chars.join('');
}

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
    name: 'Chinese with no punctuation (one Han run: bigrams)',
    file: 'han.txt',
    make: (n) => `新闻标题\n\n${hanRun(n)}。\n`,
  },
  {
    name: 'Han sentences each continued by a digit (中。1…: one sentence of many segments, no space)',
    file: 'han-continued.txt',
    make: (n) => `新闻标题\n\n${repeat('中。1', n)}。\n`,
  },
  {
    name: 'combining marks after one letter (two combining classes, alternating)',
    file: 'marks.txt',
    make: (n) => `Headline\n\nThe a${repeat('\u0301\u0316', n)} ran.\n`,
  },
  {
    name: 'alternating scripts (a, 中, б)',
    file: 'scripts.txt',
    make: (n) => `Headline\n\nThe ${repeat('a中б', n)} ran.\n`,
  },
  {
    name: 'astral-plane letters (mathematical bold, Han extension B)',
    file: 'astral.txt',
    make: (n) => `Headline\n\nThe ${repeat('𝐀𝐁𠀀𠀁', n)} ran.\n`,
  },
  {
    name: 'lone surrogates (JSON escapes)',
    file: 'surrogates.json',
    make: (n) => `{"title":"Hostile input","body":"The ${repeat('\\udc00\\ud800a', n)} ran."}`,
  },
  {
    name: 'Thai without spaces',
    file: 'thai.txt',
    make: (n) => `หัวข้อข่าว\n\n${repeat('ภาษาไทยไม่มีช่องว่าง', n)}.\n`,
  },
  {
    name: 'a flood of near-copies of one story, each numbered (dedup of one large bucket)',
    file: 'copy.txt',
    make: (n) =>
      Array.from(
        { length: Math.max(2, Math.floor(n / (WIRE_COPY.length + 20))) },
        (_, i) => `${WIRE_COPY} Filed as copy ${i}.\n`,
      ),
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
