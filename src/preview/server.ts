import { type FSWatcher, watch } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { DEFAULT_TEMPLATES_DIR } from '../adapters/template-folder.ts';
import { renderStudioPage } from './page.ts';
import { buildStudio, type StudioBuild, type StudioSources } from './studio.ts';

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
  url: string;
  current(): StudioBuild;
  close(): Promise<void>;
}

/** Changes closer together than this become one rebuild (editors save several files at once). */
const SETTLE_MS = 100;

/**
 * The preview studio: a plain node:http server that builds the digest, serves the studio page and the
 * email's views, rebuilds when an article or a template changes, and tells open pages over Server-Sent
 * Events.
 */
export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const { sources } = options;
  let build = await buildStudio(sources, 1);
  options.onBuild?.(build);
  const listeners = new Set<ServerResponse>();

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const rebuild = async () => {
    build = await buildStudio(sources, build.version + 1);
    options.onBuild?.(build);
    for (const listener of listeners) sendBuild(listener, build);
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) {
        again = true;
        return;
      }
      running = rebuild().finally(() => {
        running = undefined;
        if (again) {
          again = false;
          schedule();
        }
      });
    }, SETTLE_MS);
  };
  const watchers: FSWatcher[] = [sources.inputDir, sources.templatesDir ?? DEFAULT_TEMPLATES_DIR].map((dir) =>
    watch(resolve(dir), { recursive: true }, schedule),
  );

  const server = createServer((request, response) => {
    route(request, response, build, listeners);
  });
  await listen(server, options.port ?? 3000, options.host ?? '127.0.0.1');
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}/`,
    current: () => build,
    async close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      for (const listener of listeners) listener.end();
      await running;
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function route(
  request: IncomingMessage,
  response: ServerResponse,
  build: StudioBuild,
  listeners: Set<ServerResponse>,
): void {
  const url = new URL(request.url ?? '/', 'http://preview.invalid');
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return send(response, 405, 'text/plain', 'GET only');
  const email = build.email;
  switch (url.pathname) {
    case '/':
      return send(response, 200, 'text/html', renderStudioPage(build));
    case '/events':
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      listeners.add(response);
      request.on('close', () => listeners.delete(response));
      return sendBuild(response, build);
    case '/digest.json':
      if (!build.digest) return unavailable(response, build);
      return send(response, 200, 'application/json', `${JSON.stringify(build.digest, null, 2)}\n`);
    case '/email.html':
      if (!email) return unavailable(response, build);
      return send(
        response,
        200,
        'text/html',
        url.searchParams.get('scheme') === 'dark' ? forceDark(email.html) : email.html,
      );
    case '/email.txt':
      if (!email) return unavailable(response, build);
      return send(response, 200, 'text/plain', email.text);
    case '/digest.eml':
      if (!email) return unavailable(response, build);
      response.setHeader('content-disposition', 'attachment; filename="digest.eml"');
      return send(response, 200, 'message/rfc822', email.eml);
    default:
      return send(response, 404, 'text/plain', 'not found');
  }
}

/** Dark view: applies the email's own prefers-color-scheme: dark rules, whatever the editor's OS uses. */
function forceDark(html: string): string {
  return html.replaceAll('@media (prefers-color-scheme: dark)', '@media all');
}

function sendBuild(listener: ServerResponse, build: StudioBuild): void {
  listener.write(`event: build\ndata: ${JSON.stringify({ version: build.version, ok: !build.error })}\n\n`);
}

function unavailable(response: ServerResponse, build: StudioBuild): void {
  send(response, 503, 'text/plain', `The digest could not be built:\n${build.error ?? 'unknown error'}\n`);
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, {
    'content-type': type === 'message/rfc822' ? type : `${type}; charset=utf-8`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  response.end(body);
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
