import type { Digest } from '../digest.ts';
import { ConfigError } from '../errors.ts';
import { ARCHIVE_PAGE, type ArchiveFile } from '../ports/digest-archive.ts';
import type { DigestRenderer } from '../ports/digest-renderer.ts';
import * as z from '../zod.ts';
import { renderDigestEmail } from './email.ts';
import { renderSampleEmail } from './sample.ts';
import { type EmailSettings, parseEmailSettings } from './settings.ts';
import type { EmailTemplates } from './templates.ts';

/**
 * Beside digest.json: the email settings and templates its renditions were rendered with (ArchiveRendering), so
 * an editor's approve of the edited digest renders its archive exactly as the digest Lambda did, not with the
 * settings and templates of the editor's machine. Private: the archive site serves tagged pages only.
 */
export const RENDERING_FILE = 'rendering.json';

/**
 * What an archive was rendered with: the validated email settings and the templates as compiled for rendering
 * (`digest.html.hbs` after MJML, the text templates), keyed by path; their JavaScript is not kept, so whoever
 * renders from them compiles the templates itself rather than running code read from the bucket.
 */
export interface ArchiveRendering {
  settings: EmailSettings;
  templates: ReadonlyMap<string, string>;
}

/** The template sources among compiled template files (`NAME.hbs`, without `NAME.hbs.js` or MJML). */
export function templateSources(files: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...files].filter(([path]) => path.endsWith('.hbs') && !path.endsWith('.mjml.hbs')).sort());
}

const renderingSchema = z.strictObject({
  settings: z.unknown(),
  templates: z.record(z.string(), z.string()),
});

/** RENDERING_FILE's text, validated: `where` names it in the error (a bucket key). */
export function parseRendering(text: string, where: string): ArchiveRendering {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${where} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const result = renderingSchema.safeParse(json);
  if (!result.success) throw new ConfigError(`${where}: ${z.prettifyError(result.error)}`);
  return {
    settings: parseEmailSettings(result.data.settings),
    templates: new Map(Object.entries(result.data.templates)),
  };
}

function renderingFile(rendering: ArchiveRendering): ArchiveFile {
  return {
    name: RENDERING_FILE,
    body: `${JSON.stringify({ settings: rendering.settings, templates: Object.fromEntries(rendering.templates) }, null, 2)}\n`,
    contentType: 'application/json',
  };
}

/**
 * Archives the digest, rendered by the same code the preview and the sender use: the plain text and .eml as
 * `digest build` writes them, filled for the sample reader (no subscriber's data is archived), and the page the
 * archive site serves (the email as a web page: no greeting, no per-reader links, which would be a sample's).
 * Given the template files the templates were compiled from, it keeps them and the settings in RENDERING_FILE.
 */
export class EmailArchiveRenderer implements DigestRenderer {
  private readonly kept: ArchiveFile | undefined;

  constructor(
    private readonly templates: EmailTemplates,
    private readonly settings: EmailSettings,
    templateFiles?: ReadonlyMap<string, string>,
  ) {
    this.kept = templateFiles && renderingFile({ settings, templates: templateSources(templateFiles) });
  }

  async render(digest: Digest): Promise<ArchiveFile[]> {
    const email = await renderSampleEmail(digest, this.templates, this.settings);
    const page = await renderDigestEmail(digest, this.templates, this.settings, { webPage: true });
    return [
      { name: ARCHIVE_PAGE, body: page.html, contentType: 'text/html; charset=utf-8' },
      { name: 'digest.txt', body: email.text, contentType: 'text/plain; charset=utf-8' },
      { name: 'digest.eml', body: email.eml, contentType: 'message/rfc822' },
      ...(this.kept ? [this.kept] : []),
    ];
  }
}
