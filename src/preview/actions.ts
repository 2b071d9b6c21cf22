import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyEdit, parseEdit } from '../core/edits.ts';
import { EditConflictError, UsageError } from '../core/errors.ts';
import { sameSecret } from '../core/same-secret.ts';
import * as z from '../core/zod.ts';
import type { EditSession } from './editing.ts';
import type { StudioBuild } from './studio.ts';

/** An edit request is a few hundred bytes; anything far bigger is not from the studio page. */
const MAX_BODY_BYTES = 64 * 1024;

const version = () => z.int().check(z.minimum(0));
const versioned = z.object({ version: version() });
const editRequest = z.object({ version: version(), edit: z.unknown() });

type Action = (body: unknown) => Promise<string>;

/**
 * The studio's state-changing requests: POST /api/edit, /api/undo and, for a deployed digest, /api/approve,
 * /api/reject and /api/send-test. Each names the version the page shows; the studio rebuilds before
 * answering, so the page reloads into the result.
 */
export function editActions(
  session: EditSession,
  current: () => StudioBuild,
  rebuild: () => Promise<void>,
): Map<string, Action> {
  const version = (body: unknown, path: string) => parse(versioned, body, path).version;
  const after = async (message: string) => {
    await rebuild();
    return message;
  };
  const actions = new Map<string, Action>([
    [
      '/api/edit',
      async (body) => {
        const request = parse(editRequest, body, 'POST /api/edit');
        const edit = parseEdit(request.edit, 'POST /api/edit');
        const { digest } = current();
        if (!digest) throw new UsageError('the digest could not be built: fix that first');
        applyEdit(digest, edit); // says what is wrong before anything is written
        await session.edit(edit, request.version, digest);
        return after('saved');
      },
    ],
    [
      '/api/undo',
      async (body) => {
        await session.undo(version(body, 'POST /api/undo'));
        return after('undone');
      },
    ],
  ]);
  const { decide, sendTest } = session;
  if (decide) {
    for (const decision of ['approve', 'reject'] as const) {
      actions.set(`/api/${decision}`, async (body) =>
        after(await decide(decision, version(body, `POST /api/${decision}`))),
      );
    }
  }
  if (sendTest) {
    actions.set('/api/send-test', async (body) => sendTest(version(body, 'POST /api/send-test')));
  }
  return actions;
}

/** Checks the session token, the origin and the body, runs the action and answers JSON. */
export async function handleAction(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  token: string,
  actions: ReadonlyMap<string, Action>,
): Promise<void> {
  const answer = (status: number, body: object) =>
    response
      .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
      .end(JSON.stringify(body));
  const sent = request.headers['x-studio-token'];
  if (typeof sent !== 'string' || !sameSecret(sent, token))
    return void answer(403, { error: 'missing or wrong studio token: reload the studio page' });
  // The studio's own origin only (its Host is a loopback name, checked first): a page on another port of
  // 127.0.0.1 is another local program's, maybe another user's.
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${request.headers.host}`)
    return void answer(403, { error: 'requests from other sites are refused' });
  if (!request.headers['content-type']?.startsWith('application/json'))
    return void answer(415, { error: 'send JSON' });
  const action = actions.get(path);
  if (!action) return void answer(404, { error: `no action ${path}` });
  try {
    const message = await action(await readJson(request));
    answer(200, { ok: true, message });
  } catch (error) {
    const status = error instanceof EditConflictError ? 409 : error instanceof UsageError ? 400 : 500;
    answer(status, { error: (error as Error).message });
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new UsageError(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new UsageError('request body is not JSON');
  }
}

function parse<T extends z.ZodMiniType>(schema: T, body: unknown, where: string): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new UsageError(`${where}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
