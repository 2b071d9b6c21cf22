import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THREADED_PARSE_HTML_BYTES } from '../../src/adapters/thread-parse-workers.ts';
import type { SourceFile } from '../../src/core/article.ts';
import type { Digest } from '../../src/core/digest.ts';
import { buildDigest } from '../../src/core/digest-from-files.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function digestCli(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/digest.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('digest build', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'digest-build-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('writes digest.html, digest.txt, digest.eml and digest.json from the seeds and prints a summary', async () => {
    // Prepare
    const out = join(work, 'out');

    // Act
    const run = await digestCli('build', '--input', 'seeds', '--out', out, '--max-themes', '3');

    // Assess
    expect(run.code).toBe(0);
    // The seeds are one story: one theme, said in the singular.
    expect(run.stdout).toContain('1 theme from 5 articles (0 skipped)\n');
    expect(run.stdout).toContain(`digest written to ${out}`);
    const digest = JSON.parse(await readFile(join(out, 'digest.json'), 'utf8')) as Digest;
    const html = await readFile(join(out, 'digest.html'), 'utf8');
    const text = await readFile(join(out, 'digest.txt'), 'utf8');
    for (const theme of digest.themes.slice(0, 3)) {
      expect(text.replace(/\s+/g, ' ')).toContain(theme.label); // the text part wraps long headlines
      expect(html).toContain(theme.points[0]?.text.split(' ').slice(0, 3).join(' '));
    }
    expect(html).toMatch(/^<!doctype html>/i);
    const eml = await simpleParser(await readFile(join(out, 'digest.eml')));
    expect(eml.text).toBe(text);
    expect(eml.html).toBe(html);
    expect(eml.headers.get('list')).toMatchObject({
      unsubscribe: { url: expect.stringMatching(/^https:\/\//) },
    });
    expect((await stat(join(out, 'digest.eml'))).size).toBeGreaterThan(html.length);
  });

  it("prints digest.json with --json, with the title and editor's note given", async () => {
    // Prepare
    const out = join(work, 'json');

    // Act
    const run = await digestCli(
      'build',
      '--input',
      'seeds',
      '--out',
      out,
      '--json',
      '--title',
      'Friday <digest>',
      '--intro',
      'A note from the desk.',
    );

    // Assess
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as Digest;
    expect(printed).toEqual(JSON.parse(await readFile(join(out, 'digest.json'), 'utf8')));
    expect(printed.title).toBe('Friday <digest>');
    expect(printed.intro).toBe('A note from the desk.');
    const html = await readFile(join(out, 'digest.html'), 'utf8');
    expect(html).toContain('Friday &lt;digest&gt;');
    expect(html).toContain('<p class="note">A note from the desk.</p>');
  });

  it('fails with a clear message when the input folder is missing or empty or --max-themes is wrong', async () => {
    // Prepare
    const empty = await mkdtemp(join(work, 'empty-'));

    // Act
    const [missing, none, badMax] = await Promise.all([
      digestCli('build', '--input', join(work, 'nope'), '--out', join(work, 'o1')),
      digestCli('build', '--input', empty, '--out', join(work, 'o2')),
      digestCli('build', '--input', 'seeds', '--out', join(work, 'o3'), '--max-themes', '0'),
    ]);

    // Assess
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(`input folder ${join(work, 'nope')} does not exist`);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain(`input folder ${empty} has no files`);
    expect(badMax.code).not.toBe(0);
    expect(badMax.stderr).toContain('--max-themes 0 is not a whole number from 1 to 100');
  });

  it('names the flag when --max-themes is over the limit, and --out when it cannot be written, in one line', async () => {
    // Prepare: a file where --out would need a folder.
    const file = join(work, 'a-file');
    await writeFile(file, 'not a folder');

    // Act
    const [tooMany, underFile, onFile] = await Promise.all([
      digestCli('build', '--input', 'seeds', '--out', join(work, 'o4'), '--max-themes', '101'),
      digestCli('build', '--input', 'seeds', '--out', join(file, 'out')),
      digestCli('build', '--input', 'seeds', '--out', file),
    ]);

    // Assess: the flag's own words, not the settings schema's; no stack trace.
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toBe('digest: --max-themes 101 is not a whole number from 1 to 100\n');
    for (const [run, out] of [
      [underFile, join(file, 'out')],
      [onFile, file],
    ] as const) {
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `digest: --out ${out} cannot be written: a file is in the way where a folder is needed\n`,
      );
    }
    expect(await readFile(file, 'utf8')).toBe('not a folder');
  });
  it('fails, naming the folder and how many files were skipped, when every file is skipped; build and summarize alike', async () => {
    // Prepare: a binary .txt, a .pdf, an empty .md and a hidden file, which is never read.
    const input = await mkdtemp(join(work, 'unreadable-'));
    await writeFile(join(input, 'a.txt'), Buffer.from([0x00, 0x01, 0x02, 0x41]));
    await writeFile(join(input, 'b.pdf'), '%PDF-1.7');
    await writeFile(join(input, 'c.md'), '');
    await writeFile(join(input, '.notes.txt'), 'An editor note that is not an article.');
    const out = join(work, 'unreadable-out');

    // Act
    const [build, summary] = await Promise.all([
      digestCli('build', '--input', input, '--out', out),
      digestCli('summarize', '--input', input),
    ]);

    // Assess: a non-zero exit with each file's reason and one line naming the folder and the count; nothing
    // written to --out.
    const error = `digest: input folder ${input} has no article to read: all 3 of its files were skipped, each for the reason in its warning above`;
    for (const run of [build, summary]) {
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toEqual([
        'warning: skipped a.txt: binary content (NUL bytes); expected UTF-8 text',
        'warning: skipped b.pdf: unsupported file type ".pdf"; expected one of .txt, .md, .markdown, .html, .htm, .json',
        'warning: skipped c.md: empty file',
        error,
      ]);
    }
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
  });

  it('fails the same way for a folder of one skipped file, and for an empty folder in summarize too', async () => {
    // Prepare
    const one = await mkdtemp(join(work, 'one-'));
    await writeFile(join(one, 'notes.docx'), 'not an article');
    const empty = await mkdtemp(join(work, 'empty-'));

    // Act
    const [build, emptySummary] = await Promise.all([
      digestCli('build', '--input', one, '--out', join(work, 'one-out')),
      digestCli('summarize', '--input', empty),
    ]);

    // Assess
    expect(build.code).toBe(1);
    expect(build.stderr).toContain(
      `digest: input folder ${one} has no article to read: its only file was skipped, for the reason in the warning above`,
    );
    expect(emptySummary.code).toBe(1);
    expect(emptySummary.stderr).toContain(`digest: input folder ${empty} has no files`);
  });

  it('parses a folder of news pages on worker threads too, with the digest one thread gives', async () => {
    // Prepare: 4.5 MB of HTML (each seed as a page padded by a script, as sites serve them), over the threshold.
    const input = join(work, 'pages');
    await mkdir(input);
    const seeds = (await readdir('seeds')).sort();
    const script = `<script>window.state = ${JSON.stringify('x'.repeat(300_000))};</script>`;
    const files: SourceFile[] = [];
    for (const [i, name] of seeds.entries())
      for (const copy of [1, 2, 3]) {
        const [title, ...body] = (await readFile(join('seeds', name), 'utf8')).split('\n');
        const page = `<!doctype html><html><head><title>${title}</title>${script}</head><body><article><h1>${title}</h1>${body
          .filter((line) => line.trim())
          .map((line) => `<p>${line}</p>`)
          .join('')}</article></body></html>`;
        files.push({ id: `page-${i}-${copy}.html`, bytes: new TextEncoder().encode(page) });
        await writeFile(join(input, `page-${i}-${copy}.html`), page);
      }
    expect(files.reduce((sum, file) => sum + file.bytes.length, 0)).toBeGreaterThan(
      THREADED_PARSE_HTML_BYTES,
    );
    const out = join(work, 'pages-out');

    // Act
    const run = await digestCli('build', '--input', input, '--out', out);

    // Assess: the built CLI started parse-worker.js beside it (a thread that fails is a warning on stderr).
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/ParseThreadWarning|parse worker/);
    const digest = JSON.parse(await readFile(join(out, 'digest.json'), 'utf8')) as Digest;
    const alone = await buildDigest(files);
    expect(digest.themes).toEqual(alone.themes);
    expect(digest.skipped).toEqual(alone.skipped);
  });
});
