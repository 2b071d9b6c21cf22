import { describe, expect, it } from 'vitest';
import { parseArticle } from '../../src/core/ingest/parse.ts';
import { sourceFile, textFile } from '../support/articles.ts';

const skipReason = async (file: ReturnType<typeof sourceFile>, maxBytes?: number) => {
  const outcome = await parseArticle(file, { maxBytes });
  if (outcome.kind !== 'skipped') throw new Error(`${file.id} was parsed, expected a skip`);
  expect(outcome.id).toBe(file.id);
  return outcome.reason;
};
const bad = (name: string) => sourceFile(`tests/fixtures/articles/bad/${name}`, `bad/${name}`);

describe('parseArticle skips bad input with a reason', () => {
  it('empty file', async () => {
    expect(await skipReason(bad('empty.txt'))).toBe('empty file');
    expect(await skipReason(textFile('blank.md', ' \n\n\t\n'))).toBe('empty file (only whitespace)');
  });

  it('binary content: NUL bytes or many control characters', async () => {
    expect(await skipReason(bad('binary.txt'))).toMatch(/^binary content \(NUL bytes\)/);
    expect(await skipReason(textFile('controls.txt', 'Title\n\u0001\u0002\u0003\u0004 text.'))).toMatch(
      /^binary content \(4 control characters\)/,
    );
  });

  it('UTF-16 text (as Windows Notepad saves "Unicode") is named so, not binary content', async () => {
    // Prepare: the same story with each byte order mark; every ASCII letter has a NUL byte beside it.
    const story = 'Rates held\n\nThe central bank held interest rates on Thursday.';
    const le = new Uint8Array([0xff, 0xfe, ...Buffer.from(story, 'utf16le')]);
    const be = new Uint8Array([0xfe, 0xff, ...Buffer.from(story, 'utf16le').swap16()]);

    // Act
    const reasons = [
      await skipReason({ id: 'le.txt', bytes: le }),
      await skipReason({ id: 'be.md', bytes: be }),
    ];

    // Assess
    expect(reasons).toEqual([
      'UTF-16 text (little-endian); expected UTF-8: save the file as UTF-8',
      'UTF-16 text (big-endian); expected UTF-8: save the file as UTF-8',
    ]);
  });

  it('invalid UTF-8, naming the byte offset', async () => {
    expect(await skipReason(bad('latin1.txt'))).toBe('invalid UTF-8 at byte 15');
  });

  it('over maxBytes, 1 MiB by default', async () => {
    // Prepare
    const line = 'A sentence of filler text for the size limit.\n';
    const big = textFile('big.txt', `Title\n\n${line.repeat(Math.ceil((1024 * 1024) / line.length))}`);

    // Act and assess
    expect(await skipReason(big)).toBe(`file is ${big.bytes.byteLength} bytes, over the 1048576-byte limit`);
    expect(await skipReason(textFile('small.txt', 'Title\n\nIt is short.'), 10)).toBe(
      'file is 19 bytes, over the 10-byte limit',
    );
  });

  it('unsupported extension, and a file with none', async () => {
    expect(await skipReason(bad('report.pdf'))).toBe(
      'unsupported file type ".pdf"; expected one of .txt, .md, .markdown, .html, .htm, .json',
    );
    expect(await skipReason(textFile('README', 'Title\n\nText here.'))).toMatch(
      /^unsupported file type "\(none\)"/,
    );
  });

  it('HTML without text', async () => {
    expect(await skipReason(bad('no-text.html'))).toBe(
      'HTML has no readable text (no paragraphs, headings or list items)',
    );
  });

  it('invalid JSON, JSON that is not an object, JSON without a body', async () => {
    expect(await skipReason(bad('invalid.json'))).toMatch(/^invalid JSON: /);
    expect(await skipReason(textFile('list.json', '[1, 2]'))).toBe(
      'JSON is not an object with title and body fields',
    );
    expect(await skipReason(bad('no-body.json'))).toBe(
      'JSON has no body: none of "body", "text" or "html" is a non-empty string',
    );
    expect(await skipReason(textFile('number-body.json', '{"title": "T", "body": 42}'))).toMatch(
      /^JSON has no body/,
    );
  });

  it('invalid JSON is named without quoting the file: reasons reach logs, which never carry article text', async () => {
    // Prepare: V8's own message would quote the start of the text ("Unexpected token 'T', "The minist"...).
    const prose = textFile('prose.json', 'The minister resigned today after the vote.');
    const trailing = textFile('trailing.json', '[1, 2, oops this is the secret text]');

    // Act
    const reasons = [await skipReason(prose), await skipReason(trailing)];

    // Assess
    expect(reasons[0]).toBe("invalid JSON: Unexpected token 'T'");
    expect(reasons[1]).toBe("invalid JSON: Unexpected token 'o'");
  });

  it('invalid YAML front matter', async () => {
    expect(await skipReason(textFile('broken.md', '---\ntitle: [unclosed\n---\n\nBody text here.'))).toMatch(
      /^invalid YAML front matter: /,
    );
    // YAML 1.2's core schema has no timestamp type: an explicit tag for one is an unknown tag.
    expect(
      await skipReason(
        textFile('tagged.md', '---\npublished: !!timestamp 2026-03-02\n---\n\nBody text here.'),
      ),
    ).toMatch(/^invalid YAML front matter: unknown .*tag/);
    // Nesting is bounded: a deep front matter is refused, not read on until the stack runs out.
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(await skipReason(textFile('deep.md', `---\ntags: ${deep}\n---\n\nBody text here.`))).toMatch(
      /^invalid YAML front matter: nesting exceeded/,
    );
  });

  it('invalid YAML front matter is named without quoting the file: tags, aliases and handles are left out', async () => {
    // Prepare: js-yaml's messages quote the tag, alias or handle it could not resolve, of any length.
    const front = (yaml: string) => textFile('quoted.md', `---\n${yaml}\n---\n\nBody text here.`);
    const files = [
      front('author: !<mailto:jane.doe@example.com> Jane'),
      front('author: *jane.doe@example.com'),
      front('author: *a"jane.doe@example.com'),
      front('author: !jane!doe@example.com Jane'),
      front(
        '%TAG !e! tag:jane.doe@example.com,2026:\n%TAG !e! tag:jane.doe@example.com,2026:\n---\ntitle: x',
      ),
      front('%TAG !e! jane.doe@example.com{}\n---\ntitle: x'),
      front(`title: !<${'secret '.repeat(20_000).replaceAll(' ', '-')}> x`),
    ];

    // Act
    const reasons = await Promise.all(files.map((file) => skipReason(file)));

    // Assess
    for (const reason of reasons) {
      expect(reason).toMatch(/^invalid YAML front matter: .+ \(\d+:\d+\)$/);
      expect(reason).not.toMatch(/jane|secret/);
    }
    expect(reasons[0]).toBe('invalid YAML front matter: unknown tag !<…> (1:44)');
    expect(reasons[1]).toBe('invalid YAML front matter: unidentified alias "…" (1:30)');
  });

  it('a body without any sentence: only a headline, a sub-heading and a bullet', async () => {
    expect(await skipReason(bad('no-sentence.txt'))).toBe(
      'no sentence in the body (only a title, headings or list items)',
    );
  });

  it('a file that is only boilerplate', async () => {
    expect(
      await skipReason(textFile('noise.txt', 'RELATED: Another story\n\nShare this article\n\n–Agencies')),
    ).toMatch(/^no text left after removing boilerplate/);
  });

  it('one bad file costs no other data: the rest of a batch still parses', async () => {
    // Prepare
    const files = [
      bad('binary.txt'),
      sourceFile('tests/fixtures/articles/wire-story.txt'),
      bad('invalid.json'),
    ];

    // Act
    const outcomes = await Promise.all(files.map((f) => parseArticle(f)));

    // Assess
    expect(outcomes.map((o) => o.kind)).toEqual(['skipped', 'article', 'skipped']);
  });
});
