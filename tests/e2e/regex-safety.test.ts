// Every regular expression in src/ through the recheck ReDoS checker: a pattern that can backtrack
// polynomially or exponentially fails the build. recheck runs its native checker from the npm package for
// this platform when it is installed and its pure-JavaScript build otherwise (RECHECK_BACKEND=pure), offline
// either way. A fixed seed keeps the fuzzing part of its verdicts reproducible, and no time limit on the attack
// keeps them independent of the machine's load: by default a pumped attack string that takes recheck over a second
// to match counts as an attack, whatever the number of steps; on a busy machine (another test file running on the
// other core) linear patterns failed that way. The step limit (attackLimit) alone decides.
import { checkSync } from 'recheck';
import { describe, expect, it } from 'vitest';
import { regexesIn } from '../support/regex-literals.ts';

const found = regexesIn('src');
/** Per pattern: the few long ones (dozens of alternatives) take seconds of fuzzing on a busy machine. */
const CHECK_MS = 30_000;

describe('regular expressions in src/', () => {
  it('collects literals and RegExp constructors folded from constants', () => {
    // Assess: a literal, a constructor built from String.raw constants, and one with a run-time part.
    expect(found.length).toBeGreaterThan(100);
    expect(found.find((r) => r.where.startsWith('src/core/ingest/clean.ts'))?.source).toContain('Reuters');
    expect(found.some((r) => r.where.startsWith('src/core/headline.ts'))).toBe(true);
  });

  it.each(found.map((r) => [`${r.where} /${r.source.slice(0, 60)}/${r.flags}`, r] as const))(
    '%s runs in linear time',
    (_name, regex) => {
      // Act
      const diagnostics = checkSync(regex.source, regex.flags, {
        timeout: CHECK_MS,
        randomSeed: 1,
        attackTimeout: null,
      });

      // Assess
      if (diagnostics.status === 'unknown')
        console.warn(`${regex.where}: not decided (${diagnostics.error.kind})`);
      const attack =
        diagnostics.status === 'vulnerable'
          ? `${diagnostics.complexity.summary}, attack ${JSON.stringify(diagnostics.attack.pumps)}`
          : '';
      expect(diagnostics.status, attack).not.toBe('vulnerable');
    },
    // Room beyond the checker's own limit: on a loaded machine its fuzzing overruns it before giving up as unknown.
    CHECK_MS * 4,
  );
});
