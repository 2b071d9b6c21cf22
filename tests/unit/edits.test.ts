import { describe, expect, it } from 'vitest';
import { templateFolder } from '../../src/adapters/template-folder.ts';
import type { Digest, Theme } from '../../src/core/digest.ts';
import { buildDigest } from '../../src/core/digest-from-files.ts';
import {
  anchorEdit,
  applyEdits,
  applyEditsLeniently,
  describeEdit,
  type Edit,
  parseEdit,
  resolveTheme,
} from '../../src/core/edits.ts';
import { UsageError } from '../../src/core/errors.ts';
import { renderDigestEmail } from '../../src/core/render/email.ts';
import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { compileTemplates } from '../../src/core/render/templates.ts';
import { sourceFile } from '../support/articles.ts';
import { busyDigest } from '../support/digests.ts';

function digestWithAlternatives(): Digest {
  const digest = busyDigest(3);
  return {
    ...digest,
    themes: digest.themes.map((t) => ({
      ...t,
      alternatives: [{ text: `Alternative of ${t.id}.`, sources: [t.articles[0]?.id ?? ''] }],
    })),
  };
}

describe('applyEdits', () => {
  it('applies each kind of edit in order and marks what an editor wrote', () => {
    // Prepare
    const digest = digestWithAlternatives();
    const edits: Edit[] = [
      { kind: 'rename', theme: 'theme-2', title: 'Border talks resume' },
      { kind: 'drop-point', theme: 'theme-1', point: 5 },
      { kind: 'replace-point', theme: 'theme-1', point: 1, with: 'Alternative of theme-1.' },
      { kind: 'move', theme: 'theme-3', to: 2 },
      { kind: 'pin', theme: 'theme-2' },
      { kind: 'drop-theme', theme: 'theme-1' },
      { kind: 'note', text: '  A quiet week.  ' },
      { kind: 'subject', text: 'Border talks' },
    ].map((e) => parseEdit(e, 'test'));

    // Act
    const edited = applyEdits(digest, edits);

    // Assess
    expect(edited.themes.map((t) => t.id)).toEqual(['theme-2', 'theme-3']);
    expect(edited.themes[0]).toMatchObject({ label: 'Border talks resume', edited: true });
    expect(edited.themes[1]?.edited).toBeUndefined();
    expect(edited).toMatchObject({ intro: 'A quiet week.', subject: 'Border talks' });
    expect(digest.themes[0]?.points).toHaveLength(5); // the input is never changed
    const swapped = applyEdits(digest, edits.slice(1, 3)).themes[0];
    expect(swapped?.points).toHaveLength(4);
    expect(swapped?.points[0]).toEqual({
      text: 'Alternative of theme-1.',
      sources: expect.any(Array),
      edited: true,
    });
    expect(swapped?.alternatives?.map((a) => a.text)).toEqual([digest.themes[0]?.points[0]?.text]);
  });

  it('says which edit does not apply and why', () => {
    // Prepare
    const digest = digestWithAlternatives();
    const cases: [unknown, RegExp][] = [
      [{ kind: 'rename', theme: 'theme-1', title: '  ' }, /the title is empty/],
      [{ kind: 'drop-point', theme: 'theme-1', point: 6 }, /point 6 is out of range \(1 to 5\)/],
      [{ kind: 'move', theme: 'theme-1', to: 4 }, /position 4 is out of range/],
      [{ kind: 'pin', theme: 'theme-9' }, /there is no theme theme-9/],
      [{ kind: 'replace-point', theme: 'theme-1', point: 1, with: 'Made up.' }, /not one of the theme/],
    ];

    // Act + Assess
    for (const [input, message] of cases) {
      const edit = parseEdit(input, 'test');
      expect(() => applyEdits(digest, [edit])).toThrow(message);
    }
    const single = { ...digest, themes: digest.themes.slice(0, 1) };
    expect(() => applyEdits(single, [{ kind: 'drop-theme', theme: 'theme-1' }])).toThrow(
      /the only theme: a digest keeps at least one/,
    );
    expect(() => parseEdit({ kind: 'rename', theme: 'theme-1' }, 'POST /api/edit')).toThrow(UsageError);
    expect(() => parseEdit({ kind: 'note', text: 'x'.repeat(5000) }, 'POST /api/edit')).toThrow(
      /POST \/api\/edit: not a valid edit/,
    );
    expect(() => resolveTheme(digest, '4')).toThrow('theme 4 is out of range (1 to 3)');
    expect(resolveTheme(digest, '2')).toBe('theme-2');
  });

  it('leniently keeps the edits that still fit a rebuilt digest and reports the others', () => {
    // Prepare
    const digest = digestWithAlternatives();
    const edits: Edit[] = [
      { kind: 'drop-theme', theme: 'theme-gone' },
      { kind: 'rename', theme: 'theme-3', title: 'Still here' },
    ];

    // Act
    const { digest: edited, stale } = applyEditsLeniently(digest, edits);

    // Assess
    expect(edited.themes[2]?.label).toBe('Still here');
    expect(stale).toEqual([{ edit: edits[0], reason: 'there is no theme theme-gone in this digest' }]);
  });

  it('describes each edit by the headline and point text the editor saw, and by id only for a theme that is gone', () => {
    // Prepare: theme-2 is renamed, then moved by its new title; theme-1 loses its second point, then goes.
    const digest = digestWithAlternatives();
    const long = `${'Ministers trade warnings over the disputed border region '.repeat(2)}again`;
    const edits: Edit[] = [
      { kind: 'rename', theme: 'theme-2', title: long },
      { kind: 'move', theme: 'theme-2', to: 3 },
      { kind: 'drop-point', theme: 'theme-1', point: 2 },
      { kind: 'replace-point', theme: 'theme-3', point: 1, with: 'Alternative of theme-3.' },
      { kind: 'drop-theme', theme: 'theme-1' },
      { kind: 'pin', theme: 'theme-gone' },
      { kind: 'subject', text: 'Border talks' },
    ];
    const point = (t: number, p: number) => digest.themes[t - 1]?.points[p - 1]?.text ?? '';
    const shortened = (text: string) => `${text.slice(0, 59)}…`;

    // Act
    const { described } = applyEditsLeniently(digest, edits);
    const alone = describeEdit({ kind: 'drop-point', theme: 'theme-1', point: 2 });

    // Assess
    expect(described).toEqual([
      `rename "Theme 2: border talks and regional security" to ${JSON.stringify(long)}`,
      `move "${shortened(long)}" to position 3`,
      `drop point 2 ("${shortened(point(1, 2))}") of "Theme 1: border talks and regional security"`,
      `replace point 1 ("${shortened(point(3, 1))}") of "Theme 3: border talks and regional security" with "Alternative of theme-3."`,
      'drop "Theme 1: border talks and regional security"',
      'pin theme-gone to the top',
      'subject "Border talks"',
    ]);
    expect(alone).toBe('drop point 2 of theme-1');
    expect(() => applyEdits(digest, [{ kind: 'drop-point', theme: 'theme-1', point: 9 }])).toThrow(
      'edit 1 (drop point 9 of "Theme 1: border talks and regional security"): point 9 is out of range (1 to 5)',
    );
  });

  it('follows an anchored edit to the theme that shares half the files of its story, and its point by text', () => {
    // Prepare: edits anchored in a digest; then theme-1 gains two files under a new id, theme-2 loses three of
    // its six (the article with a duplicate among them) and theme-1's summary loses its first point.
    const digest = digestWithAlternatives();
    const [rename1, drop1, rename2] = (
      [
        { kind: 'rename', theme: 'theme-1', title: 'Grown' },
        { kind: 'drop-point', theme: 'theme-1', point: 3 },
        { kind: 'rename', theme: 'theme-2', title: 'Shrunk' },
      ] as const
    ).map((e) => anchorEdit(digest, parseEdit(e, 'test')));
    const [one, two, three] = digest.themes as [Theme, Theme, Theme];
    const extra = (id: string) => ({ ...(one.articles[1] as Theme['articles'][0]), id });
    const rebuilt: Digest = {
      ...digest,
      themes: [
        {
          ...one,
          id: 'theme-1b',
          articles: [...one.articles, extra('new-1.md'), extra('new-2.md')],
          points: one.points.slice(1),
        },
        { ...two, id: 'theme-2b', articles: two.articles.slice(2) },
        three,
      ],
    };

    // Act
    const { digest: edited, stale } = applyEditsLeniently(rebuilt, [rename1, drop1, rename2] as Edit[]);

    // Assess: theme-1 and theme-1b share 6 of their 8 files, theme-2 and theme-2b 3 of 6: half is enough.
    expect(rename1).toMatchObject({ articles: expect.arrayContaining(['feeds/mirror/story-0.md']) });
    expect(drop1).toMatchObject({ text: one.points[2]?.text });
    expect(edited.themes[0]).toMatchObject({ id: 'theme-1b', label: 'Grown' });
    expect(edited.themes[0]?.points.map((p) => p.text)).toEqual(
      one.points
        .slice(1)
        .filter((p) => p.text !== one.points[2]?.text)
        .map((p) => p.text),
    );
    expect(edited.themes[1]).toMatchObject({ id: 'theme-2b', label: 'Shrunk' });
    expect(stale).toEqual([]);
  });

  it('reports an anchored edit whose story or point is gone, and never applies it elsewhere', () => {
    // Prepare
    const digest = digestWithAlternatives();
    const rename = anchorEdit(digest, parseEdit({ kind: 'rename', theme: 'theme-2', title: 'Gone' }, 'test'));
    const drop = anchorEdit(digest, parseEdit({ kind: 'drop-point', theme: 'theme-1', point: 1 }, 'test'));
    const [one, two, three] = digest.themes as [Theme, Theme, Theme];
    const rebuilt: Digest = {
      ...digest,
      themes: [
        { ...one, points: one.points.slice(1) },
        { ...two, id: 'theme-2b', articles: two.articles.slice(3) },
        three,
      ],
    };

    // Act
    const { digest: edited, stale } = applyEditsLeniently(rebuilt, [rename, drop]);

    // Assess: theme-2 kept 2 of its 6 files; theme-1's first point is no longer in its summary.
    expect(edited).toEqual(rebuilt);
    expect(stale.map((s) => s.reason)).toEqual([
      expect.stringMatching(/^the story it was made on \(6 files: .*\) is no longer in the digest/),
      `the point ${JSON.stringify(`${one.points[0]?.text.slice(0, 59)}…`)} is no longer in the theme's summary`,
    ]);
  });

  it('renders the editor’s subject and note', async () => {
    // Prepare
    const templates = compileTemplates(await templateFolder().readAll());
    const digest = applyEdits(await buildDigest([sourceFile('tests/fixtures/articles/wire-story.txt')]), [
      { kind: 'subject', text: 'Our pick this week' },
      { kind: 'note', text: 'A note <from> the desk.' },
    ]);

    // Act
    const rendered = await renderDigestEmail(digest, templates, parseEmailSettings({}));

    // Assess
    expect(rendered.subject).toBe('Our pick this week');
    expect(rendered.html).toContain('A note &lt;from&gt; the desk.');
    expect(rendered.text).toContain('A note <from> the desk.');
  });
});
