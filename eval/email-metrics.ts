import { basename, extname } from 'node:path';
import { templateFolder } from '../src/adapters/template-folder.ts';
import type { Digest } from '../src/core/digest.ts';
import { renderSampleEmail } from '../src/core/render/sample.ts';
import { parseEmailSettings } from '../src/core/render/settings.ts';
import { loadTemplates } from '../src/core/render/templates.ts';

/** Targets of issue 17 ("Measured"): no file name reaches a reader; the HTML stays under 100 KB. */
export const EMAIL_TARGETS = { fileNamesShown: 0, htmlKB: 100 } as const;

export interface EmailMetrics {
  /** Input files whose name (path, file name, or file name without extension) appears in the HTML or text. */
  fileNamesShown: number;
  /** Up to five of them, to find the leak. */
  fileNameExamples: string[];
  /** Size of the HTML part (KiB) as `digest build` writes it, default settings (8 themes in full). */
  htmlKB: number;
  textKB: number;
}

/** Renders the digest exactly as `digest build` does and measures what a reader would see. */
export async function emailMetrics(digest: Digest, fileIds: readonly string[]): Promise<EmailMetrics> {
  const templates = await loadTemplates(templateFolder());
  const email = await renderSampleEmail(digest, templates, parseEmailSettings({}));
  const shown = fileIds.filter((id) =>
    namesOf(id).some((n) => email.html.includes(n) || email.text.includes(n)),
  );
  return {
    fileNamesShown: shown.length,
    fileNameExamples: shown.slice(0, 5),
    htmlKB: Buffer.byteLength(email.html) / 1024,
    textKB: Buffer.byteLength(email.text) / 1024,
  };
}

/**
 * The ways a file can be named: its id, its file name and its stem when it cannot be a word or a number
 * (five characters or more, letters and digits: "b9681c35edcb", "1_10ecb", not "00000" or "report").
 */
function namesOf(id: string): string[] {
  const file = basename(id);
  const stem = basename(file, extname(file));
  return [
    ...new Set([id, file, ...(stem.length >= 5 && /\d/.test(stem) && /\p{L}/u.test(stem) ? [stem] : [])]),
  ];
}
