// Size and fresh-process import time of each synthesised Lambda bundle. Run `npx cdk synth -q` first.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const RUNS = 5;
// Every variable either handler validates at cold start, with placeholder values.
const env = {
  PATH: process.env.PATH,
  AWS_REGION: 'eu-west-1',
  ARTICLES_BUCKET: 'articles',
  ARTICLE_INDEX_TABLE: 'index',
  MAX_ARTICLE_BYTES: '1048576',
  DIGESTS_TABLE: 'digests',
  APPROVED_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/approved',
  WINDOW_HOURS: '168',
  SEND_MODE: 'auto',
  REVIEW_HOURS: '24',
  ON_REVIEW_DEADLINE: 'send',
  LEASE_SECONDS: '360',
};

const template = JSON.parse(readFileSync('cdk.out/NewsletterDigest.template.json', 'utf-8'));
const functions = Object.entries(
  template.Resources as Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>,
)
  .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Code?.S3Key)
  .map(([id, r]) => ({ id, dir: `asset.${String(r.Properties.Code?.S3Key).replace(/\.zip$/, '')}` }));

for (const { id, dir } of functions) {
  const bundle = resolve('cdk.out', dir, 'index.mjs');
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(bundle).href)});
if (typeof m.handler !== 'function') process.exit(2); console.log(performance.now() - t);`;
  const times = Array.from({ length: RUNS }, () =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env,
        stdio: ['ignore', 'pipe', 'ignore'],
      }).toString(),
    ),
  ).sort((a, b) => a - b);
  const median = times[Math.floor(RUNS / 2)] ?? Number.NaN;
  console.log(
    `${id}  ${join(dir, 'index.mjs')}  ${statSync(bundle).size} bytes  import median ${median.toFixed(0)} ms (${RUNS} runs)`,
  );
}
