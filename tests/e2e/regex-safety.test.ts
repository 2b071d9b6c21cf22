// Every regular expression in src/ through the recheck ReDoS checker: a pattern that can backtrack
// polynomially or exponentially fails the build. recheck runs its native checker from the npm package for
// this platform when it is installed and its pure-JavaScript build otherwise (RECHECK_BACKEND=pure), offline
// either way. A fixed seed keeps the fuzzing part of its verdicts reproducible. A pumped attack string that takes
// recheck longer than attackTimeout to match counts as an attack whatever its number of steps: at recheck's
// default, a second, linear patterns failed that way on a busy machine (another test file on the other core), and
// with no limit at all the slowest pattern's fuzzing ran past CHECK_MS (not decided). Ten seconds leaves room for
// a machine ten times busier; a real attack still fails, past the step limit (attackLimit) or the ten seconds.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { checkSync } from 'recheck';
import { afterAll, describe, expect, it } from 'vitest';
import { type FoundRegex, regexesIn } from '../support/regex-literals.ts';

const found = regexesIn('src');
/** Per pattern: the few long ones (dozens of alternatives) take seconds of fuzzing on a busy machine. */
const CHECK_MS = 30_000;
const PARAMETERS = { timeout: CHECK_MS, randomSeed: 1, attackTimeout: 10_000 };

/**
 * The patterns recheck found safe, by the hash of recheck's version, the parameters, the source and the flags: a
 * later run takes that verdict instead of checking again, and a changed pattern (or recheck, or parameter) is
 * checked anew. A fresh clone has none, so CI checks every pattern.
 */
const SAFE_VERDICTS = 'node_modules/.cache/newsletter-digest/recheck-safe.json';
const RECHECK_VERSION: string = createRequire(import.meta.url)('recheck/package.json').version;
const keyOf = (regex: FoundRegex) =>
  createHash('sha256')
    .update(JSON.stringify([RECHECK_VERSION, PARAMETERS, regex.source, regex.flags]))
    .digest('hex');
const keptSafe = new Set<string>(
  (() => {
    try {
      return JSON.parse(readFileSync(SAFE_VERDICTS, 'utf8')) as string[];
    } catch {
      return [];
    }
  })(),
);
const foundSafe = new Set<string>();

afterAll(() => {
  mkdirSync(dirname(SAFE_VERDICTS), { recursive: true });
  // The verdicts of this run, and those kept for patterns it skipped (`-t`); none of a pattern since changed.
  const current = found.map(keyOf).filter((key) => foundSafe.has(key) || keptSafe.has(key));
  writeFileSync(`${SAFE_VERDICTS}.${process.pid}`, JSON.stringify(current));
  renameSync(`${SAFE_VERDICTS}.${process.pid}`, SAFE_VERDICTS);
});

/** recheck's verdict on the pattern, or the one kept from an earlier run if it was safe. */
function verdict(regex: FoundRegex): ReturnType<typeof checkSync> | { status: 'safe (kept)' } {
  const key = keyOf(regex);
  if (keptSafe.has(key)) {
    foundSafe.add(key);
    return { status: 'safe (kept)' };
  }
  const diagnostics = checkSync(regex.source, regex.flags, PARAMETERS);
  if (diagnostics.status === 'safe') foundSafe.add(key);
  return diagnostics;
}

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
      const diagnostics = verdict(regex);

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
