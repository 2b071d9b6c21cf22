import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { DynamoDbSubscriberRepository } from '../src/adapters/dynamodb-subscribers.ts';
import { SecretsManagerKeyProvider } from '../src/adapters/secrets-manager-keys.ts';
import { SesConfirmationMailer } from '../src/adapters/ses-confirmation-mailer.ts';
import { type EndpointOptions, handleEndpointRequest } from '../src/core/subscribers/endpoint.ts';
import { SubscriptionService } from '../src/core/subscribers/service.ts';
import { TokenSigner } from '../src/core/tokens.ts';
import { logFailure, readEndpointEnvironment } from './subscribers-config.ts';

export type FunctionUrlHandler = (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;

/**
 * Adapts a Function URL event to the endpoint. `publicBaseUrl` overrides the link base, which is
 * otherwise the https:// origin the request came in on.
 */
export function createSubscriptionHandler(
  options: EndpointOptions & { publicBaseUrl?: string },
): FunctionUrlHandler {
  return async (event) => {
    const raw = event.body ?? '';
    const response = await handleEndpointRequest(
      {
        method: event.requestContext.http.method,
        path: event.rawPath,
        query: new URLSearchParams(event.rawQueryString),
        headers: event.headers,
        body: Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8'),
        linkBase: options.publicBaseUrl ?? `https://${event.requestContext.domainName}`,
      },
      options,
    );
    return { statusCode: response.status, headers: response.headers, body: response.body };
  };
}

function fromEnvironment(): FunctionUrlHandler {
  const env = readEndpointEnvironment();
  const service = new SubscriptionService({
    repository: new DynamoDbSubscriberRepository(new DynamoDBClient({}), env.SUBSCRIBER_TABLE),
    tokens: new TokenSigner(
      new SecretsManagerKeyProvider(new SecretsManagerClient({}), env.TOKEN_KEY_SECRET),
      {
        rotationGraceMs: env.TOKEN_ROTATION_GRACE_DAYS * 24 * 60 * 60 * 1000,
      },
    ),
    ...(env.SENDER_ADDRESS
      ? {
          mailer: new SesConfirmationMailer(new SESClient({}), {
            from: env.SENDER_ADDRESS,
            newsletter: env.NEWSLETTER_NAME,
            ...(env.SES_CONFIGURATION_SET ? { configurationSet: env.SES_CONFIGURATION_SET } : {}),
          }),
        }
      : {}),
    confirmationLimit: { max: env.CONFIRMATIONS_PER_DAY, windowMs: 24 * 60 * 60 * 1000 },
  });
  return createSubscriptionHandler({
    service,
    newsletter: env.NEWSLETTER_NAME,
    signupEnabled: env.SENDER_ADDRESS !== undefined,
    ...(env.PUBLIC_BASE_URL ? { publicBaseUrl: env.PUBLIC_BASE_URL } : {}),
    onError: (error) => logFailure('request failed', error),
  });
}

let configured: FunctionUrlHandler | undefined;

export const handler: FunctionUrlHandler = (event) => {
  configured ??= fromEnvironment();
  return configured(event);
};
