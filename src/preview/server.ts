import { randomBytes } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, resolve } from 'node:path';
import { requireFolder } from '../adapters/local-files.ts';
import { DEFAULT_TEMPLATES_DIR } from '../adapters/template-folder.ts';
import { escapeHtml } from '../core/render/html.ts';
import { sameSecret } from '../core/same-secret.ts';
import { editActions, handleAction } from './actions.ts';
import { EMAIL_SANDBOX, renderStudioPage } from './page.ts';
import { buildStudio, type StudioBuild, type StudioSources, showsTheSame } from './studio.ts';
import { StudioMemo } from './studio-memo.ts';

export interface PreviewServerOptions {
  sources: StudioSources;
  /** Port to try first; a busy port falls back to a free one. 0 picks a free one. @default 3000 */
  port?: number;
  /** Only loopback by default: the studio is for the editor's own machine. @default '127.0.0.1' */
  host?: string;
  /** Called after every build, e.g. to log it. */
  onBuild?: (build: StudioBuild) => void;
}

export interface PreviewServer {
  /**
   * The URL to open: it carries the studio's secret (`?token=`), without which the studio answers nothing but a
   * 403 page. Print it to the editor only; a browser that opened it keeps the secret in a cookie.
   */
  url: string;
  /** The port asked for, when it was taken and the studio listens on another one (the URL's). */
  portTaken?: number;
  current(): StudioBuild;
  /** Rebuilds soon, as a change to a watched file does (`digest dev` calls it after each ingest). */
  refresh(): void;
  close(): Promise<void>;
}

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/** Changes closer together than this become one rebuild (editors save several files at once). */
const SETTLE_MS = 100;

/**
 * The preview studio: a plain node:http server that builds the digest, serves the studio page and the
 * email's views, rebuilds when an article or a template changes, and tells open pages over Server-Sent
 * Events.
 */
export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const { sources } = options;
  const memo = new StudioMemo();
  const watched = [sources.templatesDir ?? DEFAULT_TEMPLATES_DIR];
  if (!sources.collectArticles && sources.inputDir !== undefined) watched.push(sources.inputDir);
  // Watched from before the first build: a file saved while it runs (seconds for thousands) is built after it.
  let changedMeanwhile = false;
  let onChange = () => {
    changedMeanwhile = true;
  };
  // Whether an article or a template changed since the last build started (else only the edits file did).
  let inputChanged = false;
  const inputChange = () => {
    inputChanged = true;
    onChange();
  };
  // A folder that is not there would stop fs.watch with a stack trace: say which one instead.
  if (sources.templatesDir !== undefined) await requireFolder(sources.templatesDir, 'template');
  const watchers: FSWatcher[] = watched.map((dir) => watch(resolve(dir), { recursive: true }, inputChange));
  // The edits file sits beside the folder: its own folder is watched, for it alone.
  const editsFile = sources.editing?.editsFile;
  if (editsFile !== undefined)
    watchers.push(
      watch(dirname(resolve(editsFile.path)), (_, name) => {
        if (name === null || name === basename(editsFile.path)) onChange();
      }),
    );
  const buildNext = (version: number) => {
    inputChanged = false;
    return buildStudio(sources, version, memo);
  };
  let build = await buildNext(1);
  options.onBuild?.(build);
  const listeners = new Set<ServerResponse>();

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  // A change the watchers saw may change nothing shown; an edit always does (its version).
  const rebuild = async (unlessTheSame: boolean) => {
    // Only the edits file changed, and it holds the edits on show (after the studio's own write): no build.
    if (unlessTheSame && !inputChanged && !(await editsFile?.differsFrom(build.edited))) return;
    const next = await buildNext(build.version + 1);
    if (unlessTheSame && showsTheSame(next, build)) return;
    build = next;
    options.onBuild?.(build);
    for (const listener of listeners) sendBuild(listener, build);
  };
  // Whichever started it, a build during which a change came due is followed by another: it may have read the
  // files before the change.
  const run = (unlessTheSame: boolean) => {
    running = rebuild(unlessTheSame).finally(() => {
      running = undefined;
      if (again) {
        again = false;
        schedule();
      }
    });
    return running;
  };
  // After an edit: rebuild at once and answer when the new build is out, so the page reloads into it.
  const rebuildNow = async () => {
    clearTimeout(timer);
    while (running) await running;
    await run(false);
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) {
        again = true;
        return;
      }
      void run(true);
    }, SETTLE_MS);
  };
  onChange = schedule;
  if (changedMeanwhile) schedule();

  // Proves a state-changing request comes from a page this server served, not from another site.
  const token = randomBytes(24).toString('base64url');
  // Proves a request comes from whoever has the URL the command printed (as Jupyter's token): any local process
  // can reach 127.0.0.1, and the studio acts with the editor's AWS credentials.
  const secret = randomBytes(32).toString('base64url');
  const actions = sources.editing && editActions(sources.editing, () => build, rebuildNow);
  let closing = false;
  const server = createServer((request, response) => {
    // Once stopping, no connection is kept for another request.
    if (closing) response.setHeader('connection', 'close');
    if (!fromLoopback(request, response)) return;
    const url = new URL(request.url ?? '/', 'http://preview.invalid');
    const shown = secretShown(request, url, secret, cookieName());
    if (!shown) return refuse(url, response);
    // A browser keeps it for the page's own requests (the frame, /events, the edits) and for reloads.
    if (shown === 'url')
      response.setHeader('set-cookie', `${cookieName()}=${secret}; HttpOnly; SameSite=Strict; Path=/`);
    if (actions && request.method === 'POST' && url.pathname.startsWith('/api/')) {
      void handleAction(request, response, url.pathname, token, actions);
      return;
    }
    if (closing && url.pathname === '/events') {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('stopping');
      return;
    }
    handle(request, url, response, build, listeners, token);
  });
  const asked = options.port ?? 3000;
  await listen(server, asked, options.host ?? '127.0.0.1');
  const { address, port } = server.address() as AddressInfo;
  // Cookies are kept by host, whatever the port: one name per port keeps two studios' secrets apart.
  const cookieName = () => `digest-studio-${port}`;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}/?token=${secret}`,
    ...(asked !== 0 && port !== asked && { portTaken: asked }),
    current: () => build,
    refresh: inputChange,
    async close() {
      closing = true;
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      // No new connection from now on: an open page's event stream, ended below, cannot come back (while the last
      // build runs, it would, and keep the server open for good).
      const closed = new Promise<void>((done) => server.close(() => done()));
      for (const listener of listeners) listener.end();
      listeners.clear();
      // Nothing is built once closed, not even a change that came due during the last build.
      again = false;
      await running;
      server.closeIdleConnections();
      await closed;
    },
  };
}

/**
 * Whether the request shows the studio's secret: in the URL (`?token=`, as printed), or in the cookie set from it.
 * Compared in constant time.
 */
function secretShown(
  request: IncomingMessage,
  url: URL,
  secret: string,
  cookieName: string,
): 'url' | 'cookie' | undefined {
  const inUrl = url.searchParams.get('token');
  if (inUrl !== null && sameSecret(inUrl, secret)) return 'url';
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at !== -1 && pair.slice(0, at).trim() === cookieName && sameSecret(pair.slice(at + 1).trim(), secret))
      return 'cookie';
  }
  return undefined;
}

const REFUSED =
  'This is the digest studio (digest preview or digest dev). It answers only with its secret: open the URL the command printed in its terminal (http://127.0.0.1:PORT/?token=...), as printed. A studio started again prints a new one.';

/** 403 without the secret: a page for a browser, JSON for the page's API calls. */
function refuse(url: URL, response: ServerResponse): void {
  const api = url.pathname.startsWith('/api/');
  response.writeHead(403, {
    'content-type': `${api ? 'application/json' : 'text/html'}; charset=utf-8`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
  });
  response.end(
    api
      ? JSON.stringify({ error: REFUSED })
      : `<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>Digest studio: open the printed URL</title>\n<h1>Open the URL the command printed</h1>\n<p>${escapeHtml(REFUSED)}</p>\n</html>\n`,
  );
}

interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  download?: string;
  sandboxed?: boolean;
}

function handle(
  request: IncomingMessage,
  url: URL,
  response: ServerResponse,
  build: StudioBuild,
  listeners: Set<ServerResponse>,
  token: string,
): void {
  if (url.pathname === '/events' && request.method === 'GET') {
    // Its connection ends with it: once the studio stops it, the socket is closed, not kept for another request.
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'close',
    });
    listeners.add(response);
    request.on('close', () => listeners.delete(response));
    sendBuild(response, build);
    return;
  }
  const reply =
    request.method === 'GET' || request.method === 'HEAD'
      ? route(url, build, token)
      : { status: 405, type: 'text/plain', body: 'GET only' };
  response.writeHead(reply.status, {
    'content-type': reply.type === 'message/rfc822' ? reply.type : `${reply.type}; charset=utf-8`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // Only the studio may frame its pages (it frames the email): another site framing it could hide it and
    // lure the editor into clicking Approve or Drop theme (clickjacking); the token cannot stop a real click.
    // The email is shown, never run: no script of it runs, even opened alone in a tab of the studio's origin (the
    // page's frame is sandboxed too). Its links may open a tab.
    'content-security-policy': `frame-ancestors 'self'${reply.sandboxed ? `; sandbox ${EMAIL_SANDBOX}` : ''}`,
    'x-frame-options': 'SAMEORIGIN',
    // The page's address carried the secret.
    'referrer-policy': 'no-referrer',
    ...(reply.download && { 'content-disposition': `attachment; filename="${reply.download}"` }),
  });
  response.end(reply.body);
}

/** Loopback names only: a web page that rebinds its own host name to 127.0.0.1 gets nothing. */
function fromLoopback(request: IncomingMessage, response: ServerResponse): boolean {
  if (LOOPBACK_HOST.test(request.headers.host ?? '')) return true;
  response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('loopback only');
  return false;
}

function route(url: URL, build: StudioBuild, token: string): Reply {
  const { digest, email } = build;
  const unavailable: Reply = {
    status: 503,
    type: 'text/plain',
    body: `The digest could not be built:\n${build.error ?? 'unknown error'}\n`,
  };
  switch (url.pathname) {
    case '/':
      return { status: 200, type: 'text/html', body: renderStudioPage(build, token) };
    case '/digest.json':
      return digest
        ? { status: 200, type: 'application/json', body: `${JSON.stringify(digest, null, 2)}\n` }
        : unavailable;
    case '/email.html':
      if (!email) return unavailable;
      return {
        status: 200,
        type: 'text/html',
        body: url.searchParams.get('scheme') === 'dark' ? forceDark(email.html) : email.html,
        sandboxed: true,
      };
    case '/email.txt':
      return email ? { status: 200, type: 'text/plain', body: email.text } : unavailable;
    case '/digest.eml':
      return email
        ? { status: 200, type: 'message/rfc822', body: email.eml, download: 'digest.eml' }
        : unavailable;
    case '/favicon.ico':
      // Browsers ask for it with every page: no icon, and no 404 in the console. Past the secret like the rest.
      return { status: 204, type: 'text/plain', body: '' };
    default:
      return { status: 404, type: 'text/plain', body: 'not found' };
  }
}

/** Dark view: applies the email's own prefers-color-scheme: dark rules, whatever the editor's OS uses. */
function forceDark(html: string): string {
  return html.replaceAll('@media (prefers-color-scheme: dark)', '@media all');
}

function sendBuild(listener: ServerResponse, build: StudioBuild): void {
  listener.write(`event: build\ndata: ${JSON.stringify({ version: build.version, ok: !build.error })}\n\n`);
}

/** Listens on `port`, or on a free port when that one is taken. */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE' || port === 0) return fail(error);
      server.once('error', fail);
      server.listen(0, host, () => done());
    });
    server.listen(port, host, () => done());
  });
}
