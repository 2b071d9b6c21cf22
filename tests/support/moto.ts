import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A moto server started by the tests themselves, on a free loopback port. */
export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

/** Where the test moto server lists the mails it accepted through SendRawEmail (see MOTO_SERVER). */
export const MAILS_PATH = '/_tests/ses/raw-messages';

/**
 * moto's server handles requests on threads without locking its backends, so two conditional writes to one
 * item could both pass. DynamoDB applies writes to an item one at a time; the server started here models that
 * by taking DynamoDB requests one at a time, while every other service stays threaded (an SQS long poll must not
 * hold up the rest).
 *
 * Tests read the mails moto accepted at MAILS_PATH: the SES raw messages only, as moto-api/data.json lists them,
 * oldest first. data.json serialises every resource of the account (megabytes and seconds per read late in a run)
 * and answers 500 when another test file changes a resource while it is built.
 */
const MOTO_SERVER = `import json, sys, threading
from werkzeug.serving import run_simple
from moto.core.model_instances import model_data
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
app = DomainDispatcherApplication(create_backend_app)
dynamodb = threading.Lock()
def mails():
    model = model_data.get('ses', {}).get('RawMessage')
    sent = list(model.instances_tracked) if model else []
    return [{'id': m.id, 'destinations': list(m.destinations), 'raw_data': m.raw_data} for m in sent]
def serve(environ, start_response):
    if environ.get('PATH_INFO') == '${MAILS_PATH}':
        body = json.dumps(mails()).encode()
        start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(body)))])
        return [body]
    if environ.get('HTTP_X_AMZ_TARGET', '').startswith('DynamoDB_'):
        with dynamodb:
            return app(environ, start_response)
    return app(environ, start_response)
run_simple('127.0.0.1', int(sys.argv[1]), serve, threaded=True)`;

export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn('python3', ['-c', MOTO_SERVER, String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilUp(endpoint, child, () => stderr);
  return {
    endpoint,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Clears every resource in the moto server, so each test file starts from an empty account. */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
}

async function waitUntilUp(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode}: ${stderr()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`moto did not start within 30 s: ${stderr()}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}
