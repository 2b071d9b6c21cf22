import type { Digest } from '../digest.ts';
import { ARCHIVE_PAGE, type ArchiveFile } from '../ports/digest-archive.ts';
import type { DigestRenderer } from '../ports/digest-renderer.ts';
import { renderSampleEmail } from './sample.ts';
import type { EmailSettings } from './settings.ts';
import type { EmailTemplates } from './templates.ts';

/**
 * Archives the digest as `digest build` writes it: the email's HTML, plain text and .eml, rendered by the same
 * code the preview and the sender use, filled for the sample reader (no subscriber's data is archived).
 */
export class EmailArchiveRenderer implements DigestRenderer {
  constructor(
    private readonly templates: EmailTemplates,
    private readonly settings: EmailSettings,
  ) {}

  async render(digest: Digest): Promise<ArchiveFile[]> {
    const email = await renderSampleEmail(digest, this.templates, this.settings);
    return [
      { name: ARCHIVE_PAGE, body: email.html, contentType: 'text/html; charset=utf-8' },
      { name: 'digest.txt', body: email.text, contentType: 'text/plain; charset=utf-8' },
      { name: 'digest.eml', body: email.eml, contentType: 'message/rfc822' },
    ];
  }
}
