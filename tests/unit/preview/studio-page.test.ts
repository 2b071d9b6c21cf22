import { describe, expect, it } from 'vitest';
import type { Digest } from '../../../src/core/digest.ts';
import { renderStudioPage } from '../../../src/preview/page.ts';
import type { StudioBuild } from '../../../src/preview/studio.ts';

/** A studio build of `digest` as the panel sees it (no email: the panel's contents come from the digest alone). */
function buildOf(digest: Digest): StudioBuild {
  return {
    version: 1,
    builtAt: '2026-11-27T06:30:00.000Z',
    digest,
    htmlBytes: 0,
    clientIssues: [],
    newClientIssues: [],
    mjmlProblems: [],
  };
}

const empty: Digest = {
  title: 'News digest',
  generatedAt: '2026-11-27T06:30:00.000Z',
  themes: [],
  skipped: [],
};

describe('studio page: the empty state', () => {
  it('says what to do when the folder has no article yet, and where to look when every file was skipped', () => {
    // Prepare: an empty folder, and a folder of one unreadable file.
    const none = buildOf(empty);
    const allSkipped = buildOf({
      ...empty,
      skipped: [{ id: 'scan.pdf', reason: 'unsupported file type ".pdf"' }],
    });

    // Act
    const [nonePage, skippedPage] = [renderStudioPage(none, 'token'), renderStudioPage(allSkipped, 'token')];

    // Assess: before, the panel showed a bare "Themes" heading over an empty list.
    expect(nonePage).toContain(
      '<p id="no-themes">No articles yet: add .txt, .md, .html or .json files to the folder, and the page updates by itself.</p>',
    );
    expect(skippedPage).toContain(
      '<p id="no-themes">No file could be read as an article: each one is under Skipped files with its reason.</p>',
    );
  });

  it('shows no empty state once there is a theme', () => {
    // Prepare
    const digest: Digest = {
      ...empty,
      themes: [
        { id: 'theme-1', label: 'Storm cuts power', articles: [{ id: 'a.txt', title: 'Storm' }], points: [] },
      ],
    };

    // Act
    const page = renderStudioPage(buildOf(digest), 'token');

    // Assess
    expect(page).not.toContain('id="no-themes"');
    expect(page).toContain('Storm cuts power');
  });
});
