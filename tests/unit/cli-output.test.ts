import { describe, expect, it } from 'vitest';
import { buildFailure, count } from '../../src/cli/output.ts';

describe('terminal lines of the studio and digest dev', () => {
  it('shows a failed build by its first line and first problem, not by a line ending in a colon', () => {
    // Prepare: a TemplateError's message, as the studio's build keeps it.
    const mjml = [
      'the email template does not produce valid MJML:',
      'line 12 of digest.mjml.hbs with its partials put in (mj-sectionx): Element mj-sectionx does not exist',
      'line 59 of digest.mjml.hbs with its partials put in (mj-sectionx): Element mj-sectionx does not exist',
    ].join('\n');

    // Act
    const lines = [buildFailure(mjml), buildFailure('input folder x does not exist')];

    // Assess
    expect(lines).toEqual([
      'the email template does not produce valid MJML: line 12 of digest.mjml.hbs with its partials put in (mj-sectionx): Element mj-sectionx does not exist (and 1 more in the page)',
      'input folder x does not exist',
    ]);
  });

  it('counts one in the singular and any other number in the plural', () => {
    // Act
    const said = [0, 1, 2].map((n) => count(n, 'theme'));

    // Assess
    expect(said).toEqual(['0 themes', '1 theme', '2 themes']);
  });
});
