/**
 * `npm run eval [-- --data DIR] [--out FILE]`: quality of themes and summaries on every corpus under
 * DIR (default ../shared/eval from the project root, or $DIGEST_EVAL_DIR). Prints tables, writes
 * eval/results.json and exits non-zero when a target is missed.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { EmailMetrics } from './email-metrics.ts';
import {
  type EvalResults,
  evaluate,
  type RougeFigures,
  SUMMARY_BUDGETS,
  type TargetCheck,
} from './evaluate.ts';
import { pointQualityReport } from './point-metrics.ts';
import { titleLine } from './title-metrics.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { data: { type: 'string' }, out: { type: 'string' } },
});
const dataDir = resolve(values.data ?? process.env.DIGEST_EVAL_DIR ?? resolve(projectRoot, '../shared/eval'));
const outFile = resolve(values.out ?? resolve(projectRoot, 'eval/results.json'));

const results = await evaluate(dataDir).catch((error: unknown) => {
  console.error(
    `eval: cannot read the corpora in ${dataDir} (set --data or DIGEST_EVAL_DIR): ${String(error)}`,
  );
  process.exit(2);
});
await writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);
print(results);
console.log(`\nresults written to ${outFile}`);
const missed = results.targets.filter((t) => !t.met);
if (missed.length > 0) {
  console.error(`\n${missed.length} target(s) missed:`);
  for (const t of missed)
    console.error(
      `  ${t.name}: ${fmt(t.value)} vs ${describe(t)} (short by ${fmt(Math.abs(t.target - t.value))})`,
    );
  process.exit(1);
}

function fmt(value: number): string {
  return Number.isInteger(value) ? `${value}` : value.toFixed(4);
}

function describe(t: TargetCheck): string {
  const sign = { min: '>=', max: '<=', above: '>', below: '<', equal: '=' }[t.kind];
  return `${sign} ${fmt(t.target)}`;
}

function table(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const [n, row] of cells.entries()) {
    console.log(
      row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '),
    );
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

function print(r: EvalResults): void {
  for (const [name, c] of Object.entries(r.themeCorpora)) {
    console.log(`\nThemes: ${name} (${c.articles} files, ${c.goldEvents} gold events, ${c.themes} themes)`);
    const rows: (string | number)[][] = [['events', c.events.nmi, c.events.ari, c.events.bcubedF1]];
    if (c.topics) rows.push(['topics', c.topics.nmi, c.topics.ari, c.topics.bcubedF1]);
    table(['gold', 'NMI', 'ARI', 'B3 F1'], rows);
    console.log(groundingLine(c.grounding));
    console.log(titleLine(c.titles));
    console.log(pointQualityReport(c.points));
    console.log(emailLine(c.email));
  }
  for (const [name, c] of Object.entries(r.summaryCorpora)) {
    console.log(`\nSummaries: ${name} (${c.clusters} clusters; ROUGE recall, mean over clusters)`);
    const rows: (string | number)[][] = [];
    for (const [system, byBudget] of Object.entries(c.systems)) {
      const at = (w: number) => byBudget[w] as RougeFigures;
      rows.push([
        system,
        ...SUMMARY_BUDGETS.flatMap((w) => [at(w).rouge1Recall, at(w).rouge2Recall]),
        at(100).rouge1F1,
        at(100).rouge2F1,
      ]);
    }
    for (const [id, s] of Object.entries(c.systems2011)) {
      rows.push([`2011 ${id} ${s.description}`, '', '', s.rouge1Recall, s.rouge2Recall, '', '']);
    }
    table(['system', 'R-1@100', 'R-2@100', 'R-1@250', 'R-2@250', 'F1 R-1@100', 'F1 R-2@100'], rows);
    console.log(groundingLine(c.grounding));
    console.log(`250-word summaries: ${pointQualityReport(c.points)}`);
    const m = c.mixed;
    console.log(
      `all ${m.clusters} clusters in one folder -> ${m.themes} themes (NMI ${fmt(m.scores.nmi)}, ARI ${fmt(m.scores.ari)}); ${groundingLine(m.grounding)}`,
    );
    console.log(`all clusters in one folder: ${titleLine(m.titles)}`);
    console.log(`digest of all clusters: ${pointQualityReport(m.points)}`);
    console.log(`its ${emailLine(m.email)}`);
  }
  console.log('\nTargets');
  table(
    ['target', 'value', 'needed', 'met'],
    r.targets.map((t) => [t.name, t.value, describe(t), t.met ? 'yes' : 'NO']),
  );
}

function emailLine(e: EmailMetrics): string {
  const examples = e.fileNameExamples.length > 0 ? ` (${e.fileNameExamples.join(', ')})` : '';
  return `email: HTML ${e.htmlKB.toFixed(1)} KB, text ${e.textKB.toFixed(1)} KB, file names shown to readers ${e.fileNamesShown}${examples}`;
}

function groundingLine(g: EvalResults['themeCorpora'][string]['grounding']): string {
  return `grounded points ${fmt(g.grounded * 100)} % of ${g.points} (verbatim ${fmt(g.verbatim * 100)} %); multi-article themes citing >1 article ${fmt(g.citingSeveral * 100)} % of ${g.multiArticleThemes}`;
}
