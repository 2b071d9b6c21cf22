import type { Digest } from '../core/digest.ts';
import { describeEdit } from '../core/edits.ts';
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

/** What the email may do in the studio: open its links in a new tab; no script, no access to the studio. */
export const EMAIL_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

const GMAIL_CLIP_KB = 102;
const CLIENT_FAMILIES = [
  ['gmail.', 'Gmail'],
  ['outlook.', 'Outlook'],
  ['apple-mail.', 'Apple Mail'],
] as const;

/**
 * The studio page: the email in a frame with its views, and a side panel about the build; in edit mode the
 * panel starts with the edit controls. `token` authorises the page's state-changing requests.
 */
export function renderStudioPage(build: StudioBuild, token: string): string {
  const digest = build.digest;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="studio-token" content="${token}">
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
    <iframe id="frame" title="Email preview" src="about:blank" sandbox="${EMAIL_SANDBOX}"></iframe>
  </section>
  <aside class="panel">
    ${build.edited && digest ? editor(build, digest) : ''}
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

function editor(build: StudioBuild, digest: Digest): SafeHtml {
  const edited = build.edited as NonNullable<StudioBuild['edited']>;
  const deployed = edited.digestId !== undefined;
  const open = !deployed || edited.state === 'pending';
  const disabled = open ? '' : new SafeHtml(' disabled');
  return html`
    <section id="editor" data-version="${edited.version}" data-open="${String(open)}">
    <h2>Edit${deployed ? html` <code>${edited.digestId}</code> <span id="state">${edited.state}</span>` : ' (saved beside the folder)'}</h2>
    ${
      deployed
        ? html`<p class="decide">
      <button type="button" id="send-test"${edited.canSendTest ? disabled : new SafeHtml(' disabled title="start the studio with --test-to to send tests"')}>Send a test to me</button>
      <button type="button" id="approve" class="primary"${disabled}>Approve</button>
      <button type="button" id="reject" class="danger"${disabled}>Reject</button></p>`
        : ''
    }
    <p id="edit-message" role="status"></p>
    <label for="edit-subject">Subject line</label>
    <div class="row"><input id="edit-subject" value="${digest.subject ?? ''}" placeholder="${build.email?.rendered.subject ?? ''}"${disabled}><button type="button" data-edit="subject"${disabled}>Save</button></div>
    <label for="edit-note">Editor's note</label>
    <textarea id="edit-note" rows="3"${disabled}>${digest.intro ?? ''}</textarea>
    <div class="row"><button type="button" data-edit="note"${disabled}>Save note</button></div>
    <ol class="edit-themes">${digest.themes.map(
      (theme, t) => html`<li data-theme="${theme.id}">
        <div class="row"><input class="theme-title" aria-label="Title of theme ${t + 1}" value="${theme.label}"${disabled}>${
          theme.edited ? html`<small title="written by an editor">edited</small>` : ''
        }</div>
        <div class="row tools">
          <button type="button" data-edit="up" aria-label="Move theme ${t + 1} up"${t === 0 ? new SafeHtml(' disabled') : disabled}>↑</button>
          <button type="button" data-edit="down" aria-label="Move theme ${t + 1} down"${t === digest.themes.length - 1 ? new SafeHtml(' disabled') : disabled}>↓</button>
          <button type="button" data-edit="pin" aria-label="Pin theme ${t + 1} to top"${t === 0 ? new SafeHtml(' disabled') : disabled}>Pin to top</button>
          <button type="button" data-edit="drop-theme" class="danger" aria-label="Drop theme ${t + 1}"${disabled}>Drop theme</button>
        </div>
        <ol class="edit-points">${theme.points.map(
          (point, p) => html`<li data-point="${p + 1}"><span class="point-text">${point.text}</span>${
            point.edited ? html` <small>swapped in</small>` : ''
          }
          <div class="row tools"><button type="button" data-edit="drop-point" aria-label="Drop point ${p + 1} of theme ${t + 1}"${disabled}>Drop</button>${
            theme.alternatives?.length
              ? html`<select data-edit="replace-point" aria-label="Swap point ${p + 1} of theme ${t + 1}"${disabled}><option value="">Swap for…</option>${theme.alternatives.map(
                  (a) => html`<option>${a.text}</option>`,
                )}</select>`
              : ''
          }</div></li>`,
        )}</ol></li>`,
    )}</ol>
    <h2>Edits · version ${edited.version}</h2>
    ${
      edited.edits.length
        ? html`<ol id="edits">${edited.edits.map(
            (e, i) =>
              html`<li>${edited.described[i]} <small>${e.by}, ${e.at.slice(0, 16).replace('T', ' ')}</small></li>`,
          )}</ol>
          <p><button type="button" id="undo"${disabled}>Undo last edit</button></p>`
        : html`<p id="edits">None yet.</p>`
    }
    ${
      edited.stale.length
        ? html`<p class="warn">Edits that no longer fit the articles (kept in the file, not applied):</p>
          <ul class="problems">${edited.stale.map((s) => html`<li>${describeEdit(s.edit, edited.digest)}: ${s.reason}</li>`)}</ul>`
        : ''
    }
    </section>`;
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
    ${digest.themes.length === 0 ? html`<p id="no-themes">${noThemes(digest)}</p>` : ''}
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

/** The empty state: why the email has no story yet, and what makes one appear. */
function noThemes(digest: Digest): string {
  return digest.skipped.length
    ? 'No file could be read as an article: each one is under Skipped files with its reason.'
    : 'No articles yet: add .txt, .md, .html or .json files to the folder, and the page updates by itself.';
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
#editor label { display: block; font-weight: 600; margin: 8px 0 2px; }
#editor input, #editor textarea, #editor select { font: inherit; width: 100%; padding: 4px 6px; border: 1px solid #d0d7de; border-radius: 6px; }
#editor select { width: auto; max-width: 220px; }
#editor .row { display: flex; gap: 4px; align-items: center; margin: 4px 0; }
#editor .tools button, #editor .row button, #editor .decide button { font: inherit; font-size: 12px; padding: 2px 8px; border: 1px solid #d0d7de; border-radius: 6px; background: #f6f8fa; cursor: pointer; white-space: nowrap; }
#editor button:disabled { opacity: 0.45; cursor: default; }
#editor button.primary { background: #1f883d; color: #fff; border-color: #1f883d; }
#editor button.danger { color: #cf222e; }
#editor .edit-themes { padding-left: 20px; }
#editor .edit-themes > li { margin: 8px 0 12px; }
/* A folder of thousands of articles lists hundreds of themes: the browser lays out only those in view. */
#editor .edit-themes > li, .panel ol.themes > li { content-visibility: auto; contain-intrinsic-size: auto 160px; }
#editor .theme-title { font-weight: 600; }
#editor .edit-points { padding-left: 18px; font-size: 13px; }
#editor .edit-points li { margin: 4px 0; }
#edit-message:empty { display: none; }
#edit-message { padding: 4px 8px; border-radius: 6px; background: #ddf4ff; }
#edit-message.error { background: #ffebe9; color: #82071e; }
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
  // Own views only: a link's hash such as #constructor names an Object property, not a view.
  const view = Object.hasOwn(views, name) ? name : 'desktop';
  const [src, width] = views[view];
  frame.src = src + (src.includes('?') ? '&' : '?') + 'build=' + version;
  frame.style.width = width + 'px';
  frame.classList.toggle('dark', view === 'dark');
  frame.dataset.view = view;
  for (const button of document.querySelectorAll('[data-view]')) {
    button.setAttribute('aria-pressed', String(button.dataset.view === view));
  }
  // Without the ?token= it was opened with: the cookie set from it opens the page again.
  history.replaceState(null, '', location.pathname + '#' + view);
}
for (const button of document.querySelectorAll('[data-view]')) {
  button.addEventListener('click', () => show(button.dataset.view));
}
show(location.hash.slice(1));
const editorPanel = document.getElementById('editor');
if (editorPanel) {
  const token = document.querySelector('meta[name="studio-token"]').content;
  const editVersion = Number(editorPanel.dataset.version);
  const message = document.getElementById('edit-message');
  // One request at a time: Enter in a title field also fires its change event, and a double click clicks twice;
  // the second would come back 409 (the first changed the version) and show an error over the saved edit.
  let busy = false;
  async function post(path, body) {
    if (busy) return;
    busy = true;
    message.className = '';
    message.textContent = 'Saving…';
    const failed = (text) => {
      busy = false;
      message.className = 'error';
      message.setAttribute('role', 'alert');
      message.textContent = text;
    };
    let response;
    try {
      response = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-studio-token': token },
        body: JSON.stringify({ ...body, version: editVersion }),
      });
    } catch {
      return failed('The studio is not answering: is digest preview still running? Nothing was saved.');
    }
    const answer = await response.json().catch(() => ({ error: response.statusText }));
    if (!response.ok) return failed(answer.error + (response.status === 409 ? ' (reload the page)' : ''));
    message.textContent = answer.message;
    if (path !== '/api/send-test') {
      sessionStorage.setItem(AFTER_RELOAD, JSON.stringify({ message: answer.message, focus: focusOf(document.activeElement) }));
      location.reload();
    } else busy = false;
  }
  // The page reloads after each edit: the keyboard goes back to the control the editor used (or its theme's
  // title, or the message when the theme is gone), not to the top of the page, and the answer stays shown.
  const AFTER_RELOAD = 'studio-after-reload';
  function focusOf(element) {
    if (!element || !editorPanel.contains(element)) return null;
    const theme = element.closest('[data-theme]');
    const point = element.closest('[data-point]');
    return {
      id: element.id || undefined,
      theme: theme ? theme.dataset.theme : undefined,
      point: point ? point.dataset.point : undefined,
      edit: element.dataset.edit || (element.matches('.theme-title') ? 'title' : undefined),
    };
  }
  function refocus(focus) {
    if (!focus) return message;
    if (focus.id) return document.getElementById(focus.id);
    const theme = focus.theme && [...editorPanel.querySelectorAll('[data-theme]')].find((li) => li.dataset.theme === focus.theme);
    if (focus.theme && !theme) return message;
    const scope = focus.point ? theme && theme.querySelector('[data-point="' + focus.point + '"]') : theme || editorPanel;
    const control = focus.edit === 'title' ? theme.querySelector('.theme-title') : scope && scope.querySelector('[data-edit="' + focus.edit + '"]');
    return control && !control.disabled ? control : theme ? theme.querySelector('.theme-title') : message;
  }
  const after = JSON.parse(sessionStorage.getItem(AFTER_RELOAD) || 'null');
  sessionStorage.removeItem(AFTER_RELOAD);
  if (after) {
    message.textContent = after.message;
    let target = refocus(after.focus);
    if (!target || target.disabled) target = message;
    if (target === message) message.tabIndex = -1;
    target.focus();
  }
  const edit = (edit) => post('/api/edit', { edit });
  const themeOf = (element) => element.closest('[data-theme]');
  const position = (li) => [...li.parentElement.children].indexOf(li) + 1;
  const pointOf = (control) => Number(control.closest('[data-point]').dataset.point);
  const rename = (input) => {
    if (input.value.trim() !== input.defaultValue.trim())
      edit({ kind: 'rename', theme: themeOf(input).dataset.theme, title: input.value });
  };
  // One listener per kind of event for the whole panel, not one per control: hundreds of themes have thousands.
  editorPanel.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && event.target.matches('.theme-title')) rename(event.target);
  });
  editorPanel.addEventListener('change', (event) => {
    const control = event.target;
    if (control.matches('.theme-title')) rename(control);
    // An option's text is the alternative, as written (its value would have runs of white space collapsed).
    else if (control.matches('[data-edit="replace-point"]') && control.value)
      edit({ kind: 'replace-point', theme: themeOf(control).dataset.theme, point: pointOf(control), with: control.selectedOptions[0].textContent });
  });
  editorPanel.addEventListener('click', (event) => {
    const control = event.target.closest('button[data-edit]');
    if (!control) return;
    const kind = control.dataset.edit;
    const li = themeOf(control);
    const theme = li && li.dataset.theme;
    if (kind === 'up' || kind === 'down') edit({ kind: 'move', theme, to: position(li) + (kind === 'up' ? -1 : 1) });
    else if (kind === 'pin' || kind === 'drop-theme') edit({ kind, theme });
    else if (kind === 'drop-point') edit({ kind, theme, point: pointOf(control) });
    else if (kind === 'subject') edit({ kind, text: document.getElementById('edit-subject').value });
    else if (kind === 'note') edit({ kind, text: document.getElementById('edit-note').value });
  });
  // A decision cannot be taken back: approving sends to every subscriber, rejecting means never.
  const asked = {
    approve: 'Approve this digest? It goes to every subscriber as shown here, and cannot be recalled.',
    reject: 'Reject this digest? It will never be sent.',
  };
  for (const [id, path] of [['undo', '/api/undo'], ['approve', '/api/approve'], ['reject', '/api/reject'], ['send-test', '/api/send-test']]) {
    document.getElementById(id)?.addEventListener('click', () => {
      if (asked[id] && !confirm(asked[id])) return;
      post(path, {});
    });
  }
}
const events = new EventSource('/events');
events.addEventListener('build', (event) => {
  if (JSON.parse(event.data).version !== version) location.reload();
});
`;
