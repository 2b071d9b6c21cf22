import { InvalidTokenError, SubscriberRejectedError, UsageError } from '../errors.ts';
import * as pages from './pages.ts';
import type { SubscriptionService } from './service.ts';

/** An HTTP request as the endpoint sees it, whatever carried it (Function URL or local node:http). */
export interface EndpointRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Header names lower-cased. */
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
  /** Scheme and host the links in mails point to, e.g. https://abc.lambda-url.eu-west-1.on.aws */
  linkBase: string;
  /** The client's address (source IP), for the per-client signup limit; stored only keyed-hashed. */
  clientAddress: string;
}

export interface EndpointResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface EndpointOptions extends pages.PageOptions {
  service: SubscriptionService;
  /** Signup is switched off (503) when no sender is configured. */
  signupEnabled: boolean;
  /** Called with unexpected errors; must not log addresses. */
  onError?: (error: unknown) => void;
}

const MAX_BODY_BYTES = 16 * 1024;

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // Links carry tokens: never send them on as a referrer, never cache, never frame, no scripts.
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function html(status: number, body: string): EndpointResponse {
  return { status, headers: { ...HEADERS }, body };
}

/**
 * Routes: GET/POST /subscribe, GET/POST /confirm, GET/POST /unsubscribe (RFC 8058 one-click),
 * POST /resubscribe, GET/POST /preferences. GETs never change anything (link scanners follow them). A HEAD is
 * answered as its GET is (status and headers: a link checker or a monitor probing a page), without the body.
 */
export async function handleEndpointRequest(
  request: EndpointRequest,
  options: EndpointOptions,
): Promise<EndpointResponse> {
  if (request.method.toUpperCase() === 'HEAD') {
    const answer = await handleEndpointRequest({ ...request, method: 'GET' }, options);
    return { ...answer, body: '' };
  }
  const { service } = options;
  const path = request.path.replace(/(^|[^/])\/+$/, '$1') || '/';
  const route = `${request.method.toUpperCase()} ${path}`;
  if (path !== '/' && path.length < request.path.length && GET_PAGES.has(route))
    return redirectWithoutSlashes(path, request.path.length - path.length, request.query);
  try {
    if (request.body.length > MAX_BODY_BYTES) return html(413, pages.tooLargePage(options));
    switch (route) {
      case 'GET /':
      case 'GET /subscribe':
        if (!options.signupEnabled) return html(503, pages.signupClosedPage(options));
        return html(200, pages.signupFormPage(options));
      case 'POST /subscribe': {
        if (!options.signupEnabled) return html(503, pages.signupClosedPage(options));
        const form = await readForm(request);
        // Bots fill the hidden field; they get the same answer and nothing happens.
        if (form.get('website')) return html(200, pages.checkInboxPage(options));
        const email = form.get('email');
        if (typeof email !== 'string') return html(400, pages.invalidEmailPage(options));
        // The work (lookup, limits, mail) happens in the signup worker: every address answers alike.
        const accepted = await service.requestSignup(
          { email, name: text(form.get('name')), topics: splitTopics(text(form.get('topics'))) },
          request.clientAddress,
        );
        if (!accepted) return html(429, pages.tooManyRequestsPage(options));
        return html(200, pages.checkInboxPage(options));
      }
      case 'GET /confirm': {
        const token = request.query.get('token') ?? '';
        await service.check(token, 'confirm');
        return html(200, pages.confirmPage(options, token));
      }
      case 'POST /confirm': {
        await service.confirm(text(await bodyToken(request)));
        return html(200, pages.confirmedPage(options));
      }
      case 'GET /unsubscribe': {
        const token = request.query.get('token') ?? '';
        await service.check(token, 'unsubscribe');
        return html(200, pages.unsubscribePage(options, token));
      }
      case 'POST /unsubscribe': {
        const form = await readForm(request);
        if (form.get('List-Unsubscribe') !== 'One-Click') return html(400, pages.invalidLinkPage(options));
        const token = request.query.get('token') ?? text(form.get('token'));
        await service.unsubscribe(token);
        return html(200, pages.unsubscribedPage(options, token, options.signupEnabled));
      }
      case 'POST /resubscribe': {
        if (!options.signupEnabled) return html(503, pages.signupClosedPage(options));
        await service.resubscribe(text(await bodyToken(request)), request.linkBase);
        return html(200, pages.checkInboxPage(options));
      }
      case 'GET /preferences': {
        const token = request.query.get('token') ?? '';
        return html(200, pages.preferencesPage(options, token, await service.preferences(token), false));
      }
      case 'POST /preferences': {
        const form = await readForm(request);
        const token = text(form.get('token'));
        const preferences = {
          topics: splitTopics(text(form.get('topics'))),
          topicsOnly: form.get('topicsOnly') === 'yes',
        };
        await service.updatePreferences(token, preferences);
        const stored = await service.preferences(token);
        const dropped = preferences.topicsOnly && !stored.topicsOnly;
        return html(200, pages.preferencesPage(options, token, stored, true, dropped));
      }
      default:
        return html(404, pages.notFoundPage(options));
    }
  } catch (error) {
    if (error instanceof InvalidTokenError || error instanceof UsageError) {
      return html(400, pages.invalidLinkPage(options));
    }
    if (error instanceof SubscriberRejectedError) return html(400, pages.invalidEmailPage(options));
    options.onError?.(error);
    return html(500, pages.errorPage(options));
  }
}

/** The pages a link or a person opens; their forms post to relative addresses. */
const GET_PAGES = new Set([
  'GET /',
  'GET /subscribe',
  'GET /confirm',
  'GET /unsubscribe',
  'GET /preferences',
]);

/**
 * Sends a page asked for with trailing slashes (`/subscribe/`) to its address without them: served there, its forms'
 * relative actions would post one folder too deep (`/subscribe/subscribe`). The target is relative, as the actions
 * are, and keeps the query (a link's token).
 */
function redirectWithoutSlashes(path: string, slashes: number, query: URLSearchParams): EndpointResponse {
  const search = query.size > 0 ? `?${query}` : '';
  const location = `${'../'.repeat(slashes)}${path.slice(path.lastIndexOf('/') + 1)}${search}`;
  return { status: 308, headers: { ...HEADERS, location }, body: '' };
}

type FormValue = ReturnType<FormData['get']>;

/** Parses urlencoded and multipart/form-data bodies with the platform's own form parser. */
async function readForm(request: EndpointRequest): Promise<FormData> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(contentType)) {
    throw new UsageError('unsupported content type');
  }
  try {
    return await new Request('http://endpoint.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(request.body),
    }).formData();
  } catch (cause) {
    throw new UsageError('unreadable form body', { cause });
  }
}

async function bodyToken(request: EndpointRequest): Promise<FormValue> {
  return (await readForm(request)).get('token');
}

function text(value: FormValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

function splitTopics(value: string): string[] {
  return value.split(/[,;\n]/);
}
