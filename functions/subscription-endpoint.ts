import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { hasherFromSecret } from '../src/adapters/secrets-manager-hash-key.ts';
import { SqsSignupQueue } from '../src/adapters/sqs-signup-queue.ts';
import { type EndpointOptions, handleEndpointRequest } from '../src/core/subscribers/endpoint.ts';
import { SubscriptionService } from '../src/core/subscribers/service.ts';
import { confirmationParts, logFailure, readEndpointEnvironment } from './subscribers-config.ts';

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

async function fromEnvironment(): Promise<FunctionUrlHandler> {
  const env = readEndpointEnvironment();
  const service = new SubscriptionService({
    ...confirmationParts(env),
    clientHash: await hasherFromSecret(new SecretsManagerClient({}), env.HASH_KEY_SECRET),
    ...(env.SIGNUP_QUEUE_URL ? { queue: new SqsSignupQueue(new SQSClient({}), env.SIGNUP_QUEUE_URL) } : {}),
  });
  return createSubscriptionHandler({
    service,
    newsletter: env.NEWSLETTER_NAME,
    signupEnabled: env.SENDER_ADDRESS !== undefined && env.SIGNUP_QUEUE_URL !== undefined,
    trustViewerAddress: env.TRUST_VIEWER_ADDRESS === 'true',
    ...(env.PUBLIC_BASE_URL ? { publicBaseUrl: env.PUBLIC_BASE_URL } : {}),
    onError: (error) => logFailure('request failed', error),
  });
}

let configured: Promise<FunctionUrlHandler> | undefined;

export const handler: FunctionUrlHandler = async (event) => {
  configured ??= fromEnvironment();
  return (await configured)(event);
};
