import type { Digest } from '../digest.ts';
import { ARCHIVE_PAGE, type ArchiveFile } from '../ports/digest-archive.ts';
import type { DigestRenderer } from '../ports/digest-renderer.ts';
import { renderDigestEmail } from './email.ts';
import { renderSampleEmail } from './sample.ts';
import type { EmailSettings } from './settings.ts';
import type { EmailTemplates } from './templates.ts';

/**
 * Archives the digest, rendered by the same code the preview and the sender use: the plain text and .eml as
 * `digest build` writes them, filled for the sample reader (no subscriber's data is archived), and the page the
 * archive site serves (the email as a web page: no greeting, no per-reader links, which would be a sample's).
 */
export class EmailArchiveRenderer implements DigestRenderer {
  constructor(
    private readonly templates: EmailTemplates,
    private readonly settings: EmailSettings,
  ) {}

  async render(digest: Digest): Promise<ArchiveFile[]> {
    const email = await renderSampleEmail(digest, this.templates, this.settings);
    const page = await renderDigestEmail(digest, this.templates, this.settings, { webPage: true });
    return [
      { name: ARCHIVE_PAGE, body: page.html, contentType: 'text/html; charset=utf-8' },
      { name: 'digest.txt', body: email.text, contentType: 'text/plain; charset=utf-8' },
      { name: 'digest.eml', body: email.eml, contentType: 'message/rfc822' },
    ];
  }
}
