import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { type EndpointOptions, handleEndpointRequest } from '../core/subscribers/endpoint.ts';

export type FunctionUrlHandler = (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;

/**
 * Adapts a Function URL event to the endpoint. `publicBaseUrl` overrides the link base, which is
 * otherwise the https:// origin the request came in on. With `trustViewerAddress` (CloudFront in front)
 * the client is CloudFront's viewer address rather than the source IP, which is then CloudFront's.
 */
export function createSubscriptionHandler(
  options: EndpointOptions & { publicBaseUrl?: string; trustViewerAddress?: boolean },
): FunctionUrlHandler {
  return async (event) => {
    const raw = event.body ?? '';
    const viewer = options.trustViewerAddress ? event.headers['cloudfront-viewer-address'] : undefined;
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
