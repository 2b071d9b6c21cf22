import type { Digest } from '../core/digest.ts';
import { escapeHtml } from '../core/render/html.ts';
import type { ClientIssue } from './client-support.ts';
import { SIZE_WARNING_BYTES, type StudioBuild } from './studio.ts';

/** Markup that is already safe; everything else interpolated into `html` is escaped. */
class SafeHtml {
  constructor(readonly value: string) {}
}

function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  return new SafeHtml(
    strings.reduce((out, text, i) => out + text + (i < values.length ? fragment(values[i]) : ''), ''),
  );
}

function fragment(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(fragment).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

const GMAIL_CLIP_KB = 102;
const CLIENT_FAMILIES = [
  ['gmail.', 'Gmail'],
  ['outlook.', 'Outlook'],
  ['apple-mail.', 'Apple Mail'],
] as const;

/** The studio page: the email in a frame with its views, and a side panel about the build. */
export function renderStudioPage(build: StudioBuild): string {
  const digest = build.digest;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Digest preview${build.email ? ` · ${build.email.rendered.subject}` : ''}</title>
<style>${new SafeHtml(STYLES)}</style>
</head>
<body data-version="${build.version}">
<header class="bar">
  <strong>Digest preview</strong>
  <nav aria-label="Views">
    <button type="button" data-view="desktop">Desktop 600</button>
    <button type="button" data-view="mobile">Mobile 375</button>
    <button type="button" data-view="dark">Dark</button>
    <button type="button" data-view="text">Plain text</button>
    <button type="button" data-view="json">digest.json</button>
    <a href="/digest.eml" download="digest.eml">Download .eml</a>
  </nav>
  <span id="status">Build ${build.version} at ${build.builtAt.slice(11, 19)} UTC</span>
</header>
<main>
  <section class="stage">
    ${build.error ? html`<div class="error" role="alert"><strong>The digest could not be built.</strong><pre>${build.error}</pre></div>` : ''}
    <iframe id="frame" title="Email preview" src="about:blank"></iframe>
  </section>
  <aside class="panel">
    ${build.email ? summary(build) : ''}
    ${digest ? contents(digest) : ''}
    <h2>MJML validation</h2>
    ${
      build.mjmlProblems.length
        ? html`<ul class="problems">${build.mjmlProblems.map((p) => html`<li>${p}</li>`)}</ul>`
        : build.email
          ? html`<p class="ok">Valid (strict).</p>`
          : html`<p>Not checked: the build failed before MJML.</p>`
    }
    ${build.email ? clients(build.clientIssues, build.newClientIssues) : ''}
  </aside>
</main>
<script>${new SafeHtml(SCRIPT)}</script>
</body>
</html>
`.value;
}

function summary(build: StudioBuild): SafeHtml {
  const kb = build.htmlBytes / 1024;
  const warn = build.htmlBytes >= SIZE_WARNING_BYTES;
  return html`
    <h2>Subject</h2>
    <p id="subject">${build.email?.rendered.subject}</p>
    <h2>HTML size</h2>
    <p id="size" class="${warn ? 'warn' : 'ok'}">${kb.toFixed(1)} KB of Gmail's ${GMAIL_CLIP_KB} KB${
      warn ? html` <strong>: close to the clipping limit; show fewer themes</strong>` : ''
    }</p>`;
}

function contents(digest: Digest): SafeHtml {
  const articles = digest.themes.flatMap((t) => t.articles);
  const duplicates = articles.reduce((n, a) => n + (a.duplicates?.length ?? 0), 0);
  return html`
    <h2>Contents</h2>
    <p id="counts">${count(digest.themes.length, 'theme')} · ${count(articles.length, 'article')} · ${count(duplicates, 'duplicate')} · ${digest.skipped.length} skipped</p>
    <h2>Themes</h2>
    <ol class="themes">${digest.themes.map(
      (theme) => html`<li><strong class="theme-label">${theme.label}</strong>
        <ul>${theme.articles.map(
          (a) =>
            html`<li><span class="article-title">${a.title}</span> <small>${a.id}${
              a.duplicates?.length ? ` (+ ${a.duplicates.join(', ')})` : ''
            }</small></li>`,
        )}</ul></li>`,
    )}</ol>
    <h2>Skipped files</h2>
    ${
      digest.skipped.length
        ? html`<ul id="skipped">${digest.skipped.map((s) => html`<li><code>${s.id}</code>: ${s.reason}</li>`)}</ul>`
        : html`<p>None.</p>`
    }`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function clients(issues: readonly ClientIssue[], fresh: readonly ClientIssue[]): SafeHtml {
  const isNew = new Set(fresh);
  return html`
    <h2>Email clients</h2>
    ${
      fresh.length
        ? html`<p class="warn" id="new-client-issues">${fresh.length} new since the committed baseline:</p>
          <ul class="problems">${fresh.map((i) => html`<li>${i.feature}: ${i.support === 'none' ? 'not' : 'partly'} supported by ${i.client}</li>`)}</ul>`
        : html`<p class="ok">Nothing new since the committed baseline.</p>`
    }
    ${CLIENT_FAMILIES.map(([prefix, name]) => {
      const mine = issues.filter((i) => i.client.startsWith(prefix));
      return html`<details><summary>${name}: ${mine.filter((i) => i.support === 'none').length} unsupported, ${
        mine.filter((i) => i.support === 'partial').length
      } partial</summary><ul>${mine.map(
        (i) =>
          html`<li class="${isNew.has(i) ? 'warn' : ''}">${i.feature} <small>${i.client}, ${i.support === 'none' ? 'unsupported' : 'partial'}</small></li>`,
      )}</ul></details>`;
    })}
    <p><small>From caniemail data (@jsx-email/doiuse-email).</small></p>`;
}

const STYLES = `
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #1f2328; background: #eef0f3; }
.bar { display: flex; gap: 16px; align-items: center; padding: 8px 16px; background: #fff; border-bottom: 1px solid #d0d7de; position: sticky; top: 0; }
.bar nav { display: flex; gap: 4px; flex-wrap: wrap; }
.bar button, .bar a { font: inherit; padding: 4px 10px; border: 1px solid #d0d7de; border-radius: 6px; background: #f6f8fa; color: inherit; text-decoration: none; cursor: pointer; }
.bar button[aria-pressed="true"] { background: #0969da; color: #fff; border-color: #0969da; }
#status { margin-left: auto; color: #57606a; }
main { display: grid; grid-template-columns: 1fr 380px; gap: 16px; padding: 16px; }
.stage { display: flex; flex-direction: column; align-items: center; gap: 8px; min-width: 0; }
#frame { width: 600px; height: calc(100vh - 90px); border: 1px solid #d0d7de; background: #fff; }
#frame.dark { background: #16181d; }
.panel { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 4px 16px 16px; overflow: auto; max-height: calc(100vh - 90px); }
.panel h2 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; color: #57606a; margin: 16px 0 4px; }
.panel p, .panel ul, .panel ol { margin: 0; }
.panel ol.themes > li { margin-bottom: 8px; }
.panel small { color: #57606a; }
.ok { color: #1a7f37; }
.warn { color: #bc4c00; }
.error { width: 100%; background: #ffebe9; border: 1px solid #ff8182; border-radius: 8px; padding: 8px 16px; color: #82071e; }
.error pre { white-space: pre-wrap; margin: 4px 0 0; }
.problems { color: #82071e; }
`;

// Views live in location.hash so a reload after a rebuild keeps the one the editor was looking at.
const SCRIPT = `
const version = Number(document.body.dataset.version);
const frame = document.getElementById('frame');
const views = {
  desktop: ['/email.html', 600],
  mobile: ['/email.html', 375],
  dark: ['/email.html?scheme=dark', 600],
  text: ['/email.txt', 600],
  json: ['/digest.json', 600],
};
function show(name) {
  const view = views[name] ? name : 'desktop';
  const [src, width] = views[view];
  frame.src = src + (src.includes('?') ? '&' : '?') + 'build=' + version;
  frame.style.width = width + 'px';
  frame.classList.toggle('dark', view === 'dark');
  frame.dataset.view = view;
  for (const button of document.querySelectorAll('[data-view]')) {
    button.setAttribute('aria-pressed', String(button.dataset.view === view));
  }
  history.replaceState(null, '', '#' + view);
}
for (const button of document.querySelectorAll('[data-view]')) {
  button.addEventListener('click', () => show(button.dataset.view));
}
show(location.hash.slice(1));
const events = new EventSource('/events');
events.addEventListener('build', (event) => {
  if (JSON.parse(event.data).version !== version) location.reload();
});
`;
