import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { sameSecret } from '../core/same-secret.ts';
import { type EndpointOptions, handleEndpointRequest } from '../core/subscribers/endpoint.ts';

export type FunctionUrlHandler = (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;

/** The header CloudFront adds to what it forwards to the endpoint, holding the stack's edge key. */
export const EDGE_KEY_HEADER = 'x-digest-edge-key';

/**
 * Adapts a Function URL event to the endpoint. `publicBaseUrl` overrides the link base, which is
 * otherwise the https:// origin the request came in on. With `edgeKey` (CloudFront in front) the client of
 * a request that carries that key is CloudFront's viewer address rather than the source IP, which is then
 * CloudFront's; a request without it came to the Function URL directly, and its viewer header is the
 * client's own writing.
 */
export function createSubscriptionHandler(
  options: EndpointOptions & { publicBaseUrl?: string; edgeKey?: string },
): FunctionUrlHandler {
  const fromEdge = (key: string | undefined) =>
    options.edgeKey !== undefined && key !== undefined && sameSecret(key, options.edgeKey);
  return async (event) => {
    const raw = event.body ?? '';
    const viewer = fromEdge(event.headers[EDGE_KEY_HEADER])
      ? event.headers['cloudfront-viewer-address']
      : undefined;
    const response = await handleEndpointRequest(
      {
        method: event.requestContext.http.method,
        path: event.rawPath,
        query: new URLSearchParams(event.rawQueryString),
        headers: event.headers,
        body: Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8'),
        linkBase: options.publicBaseUrl ?? `https://${event.requestContext.domainName}`,
        // CloudFront-Viewer-Address is "ip:port" (IPv6 included): drop the port.
        clientAddress: viewer ? viewer.replace(/:\d+$/, '') : event.requestContext.http.sourceIp,
      },
      options,
    );
    return { statusCode: response.status, headers: response.headers, body: response.body };
  };
}
