import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES_DIR, templateFolder } from '../../../src/adapters/template-folder.ts';
import { ConfigError, TemplateError } from '../../../src/core/errors.ts';
import { renderDigestEmail } from '../../../src/core/render/email.ts';
import { precompileHandlebars } from '../../../src/core/render/precompile.ts';
import { parseEmailSettings } from '../../../src/core/render/settings.ts';
import { compileTemplates, loadTemplates } from '../../../src/core/render/templates.ts';
import { busyDigest } from '../../support/digests.ts';

const folders: string[] = [];
async function copyOfTemplates(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'templates-'));
  folders.push(dir);
  await cp(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
  return dir;
}
afterEach(async () => {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('templates', () => {
  it('loads from any folder, once per process and folder', async () => {
    // Prepare
    const dir = await copyOfTemplates();
    await writeFile(join(dir, 'subject.txt.hbs'), 'Shipped beside the Lambda: {{title}}');

    // Act
    const first = loadTemplates(templateFolder(dir));
    const second = loadTemplates(templateFolder(dir));
    const rendered = await renderDigestEmail(busyDigest(1), await first, parseEmailSettings({}));

    // Assess
    expect(second).toBe(first);
    expect(rendered.subject).toBe('Shipped beside the Lambda: Morning digest');
  });

  it('reports invalid MJML and broken Handlebars (when compiling them once) as a TemplateError naming the problem', async () => {
    // Prepare
    const dir = await copyOfTemplates();
    await writeFile(join(dir, 'partials/footer.mjml.hbs'), '<mj-text>outside any column</mj-text>');
    const broken = new Map(await templateFolder().readAll()).set(
      'subject.txt.hbs',
      '{{#if title}}never closed',
    );

    // Act
    const [invalidMjml, brokenSubject] = await Promise.allSettled([
      templateFolder(dir, join(dir, 'cache')).readAll(),
      (async () => precompileHandlebars(broken))(),
    ]);

    // Assess
    expect(invalidMjml.status === 'rejected' && invalidMjml.reason).toBeInstanceOf(TemplateError);
    expect(invalidMjml.status === 'rejected' && invalidMjml.reason.problems.join('\n')).toMatch(
      /mj-text cannot be used inside mj-body/,
    );
    expect(brokenSubject.status === 'rejected' && brokenSubject.reason).toBeInstanceOf(TemplateError);
    expect(brokenSubject.status === 'rejected' && brokenSubject.reason.message).toMatch(
      /template subject.txt.hbs failed/,
    );
    await expect(templateFolder(join(dir, 'missing')).readAll()).rejects.toThrow(ConfigError);
    // Templates as written, not compiled to JavaScript, are refused rather than compiled at run time.
    expect(() => compileTemplates(new Map([['subject.txt.hbs', '{{title}}']]))).toThrow(/not compiled/);
  });
});
