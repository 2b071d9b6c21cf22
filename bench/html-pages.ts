// HTML pages: generated news pages of about 95 KB (bench/corpus.ts generateHtmlPages) parsed as a build parses
// them, each way of parsing in a fresh process (one page after another, and on worker threads too as `digest
// build` does); one line each. Informational: no target.
// Run alone: npx tsx bench/html-pages.ts [pages]; `npm run bench` calls htmlPagesSection().
import { bundleChildren, runChild } from './children.ts';
import { countFromEnv } from './stats.ts';

/** What bench/html-child.ts prints: one way of parsing the pages. */
export interface HtmlPagesFigure {
  how: string;
  pages: number;
  kbPerPage: number;
  ms: number;
  /** CPU time of the process while it parses (user + system). */
  cpuMs: number;
  msPerPage: number;
  cpuMsPerPage: number;
  peakRssMiB: number;
  /** The generated pages held in memory, and the peak RSS once they are, before parsing. */
  pagesMiB: number;
  rssBeforeMiB: number;
  parsed: number;
  skipped: number;
}

export function htmlPagesSection(
  pages = countFromEnv('BENCH_HTML_PAGES', 1000),
  evalDir = process.env.DIGEST_EVAL_DIR ?? '../shared/eval',
): HtmlPagesFigure[] {
  const figures = ['one', 'threads'].map(
    (how) => JSON.parse(runChild('html-child.ts', [String(pages), evalDir, how])) as HtmlPagesFigure,
  );
  const kb = figures[0]?.kbPerPage ?? 0;
  console.log(
    `\nHTML pages: ${pages} generated news pages of ${kb.toFixed(0)} KB (informational, no target): ms per page wall / CPU, peak RSS`,
  );
  for (const f of figures)
    console.log(
      `  ${f.how.padEnd(44)}${f.msPerPage.toFixed(1)} / ${f.cpuMsPerPage.toFixed(1)} ms per page ` +
        `(${(f.ms / 1000).toFixed(1)} / ${(f.cpuMs / 1000).toFixed(1)} s in all); peak RSS ${f.peakRssMiB.toFixed(0)} MiB ` +
        `(${f.rssBeforeMiB.toFixed(0)} with the pages loaded); ${f.parsed} parsed, ${f.skipped} skipped`,
    );
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await bundleChildren();
  htmlPagesSection(process.argv[2] ? Number(process.argv[2]) : undefined);
}
