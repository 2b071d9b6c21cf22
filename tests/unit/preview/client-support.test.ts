import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES_DIR, templateFolder } from '../../../src/adapters/template-folder.ts';
import { renderDigestEmail } from '../../../src/core/render/email.ts';
import { parseEmailSettings } from '../../../src/core/render/settings.ts';
import { compileTemplates } from '../../../src/core/render/templates.ts';
import {
  CLIENT_SUPPORT_BASELINE,
  ClientSupportMemo,
  checkClientSupport,
  issueKey,
  newIssues,
  readBaseline,
} from '../../../src/preview/client-support.ts';
import { busyDigest } from '../../support/digests.ts';

// Every template path: full themes, "Also in this issue", the archive link.
const settings = parseEmailSettings({
  maxThemes: 2,
  footer: { archiveUrl: 'https://archive.example.com/d/1' },
});

async function renderWith(templatesDir: string): Promise<string> {
  const templates = compileTemplates(await templateFolder(templatesDir).readAll());
  return (await renderDigestEmail(busyDigest(3), templates, settings)).html;
}

describe('email-client support (caniemail)', () => {
  let copy: string;
  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), 'templates-'));
    await cp(DEFAULT_TEMPLATES_DIR, copy, { recursive: true });
  });
  afterAll(async () => {
    await rm(copy, { recursive: true, force: true });
  });

  it('finds exactly the issues of the committed baseline in the committed templates', async () => {
    // Prepare
    const html = await renderWith(DEFAULT_TEMPLATES_DIR);

    // Act
    const issues = checkClientSupport(html);

    // Assess: a change here means a template gained or lost a feature some client lacks. Review it in
    // `npm run preview`, then accept it with `npx vitest run tests/unit/preview -u`.
    await expect(`${JSON.stringify(issues.map(issueKey), null, 2)}\n`).toMatchFileSnapshot(
      CLIENT_SUPPORT_BASELINE,
    );
    expect(issues.some((i) => i.client.startsWith('gmail.'))).toBe(true);
    expect(issues.some((i) => i.client.startsWith('outlook.'))).toBe(true);
  });

  it('flags a feature that a template change brings in as new against the baseline', async () => {
    // Prepare
    const theme = join(copy, 'partials/theme.mjml.hbs');
    const original = await readFile(theme, 'utf8');
    await writeFile(
      theme,
      original.replace('style="font-size:20px">', 'style="font-size:20px;position:sticky">'),
    );

    // Act
    const fresh = newIssues(checkClientSupport(await renderWith(copy)), await readBaseline());

    // Assess
    expect(fresh.map((i) => i.feature)).toContain('position');
    expect(fresh.every((i) => /^(gmail|outlook|apple-mail)\./.test(i.client))).toBe(true);
  });

  it('checks again only HTML that differs in more than its text (elements, attributes, stylesheets)', async () => {
    // Prepare
    const html = await renderWith(DEFAULT_TEMPLATES_DIR);
    const memo = new ClientSupportMemo();
    const first = memo.check(html);

    // Act
    const renamedHtml = html.replace(/>[^<]*Story[^<]*</, '>A renamed story<');
    const renamed = memo.check(renamedHtml);
    const styled = memo.check(html.replace('<body', '<body class="x" style="display:flex"'));
    const restyledHtml = html.replace('</style>', 'a { position: fixed; }</style>');
    const restyled = memo.check(restyledHtml);

    // Assess
    expect(first).toEqual(checkClientSupport(html));
    expect(renamedHtml).not.toBe(html);
    expect(renamed).toBe(first);
    expect(styled.length).toBeGreaterThan(first.length);
    expect(styled).toEqual(checkClientSupport(html.replace('<body', '<body class="x" style="display:flex"')));
    expect(restyled).toEqual(checkClientSupport(restyledHtml));
    expect(restyled.map((issue) => issue.feature)).toContain('position');
  });

  it('checks again a stylesheet whose tag is in capitals, as a template may write it (mj-raw)', async () => {
    // Prepare: HTML tag names are case-insensitive; the check reads <STYLE> as it reads <style>.
    const html = await renderWith(DEFAULT_TEMPLATES_DIR);
    const withStyle = (css: string) =>
      html.replace('</head>', `<STYLE type="text/css">${css}</STYLE></head>`);
    const memo = new ClientSupportMemo();
    memo.check(withStyle('a { color: red; }'));

    // Act
    const restyledHtml = withStyle('a { position: fixed; }');
    const restyled = memo.check(restyledHtml);

    // Assess
    expect(restyled).toEqual(checkClientSupport(restyledHtml));
    expect(restyled.map((issue) => issue.feature)).toContain('position');
  });
});
