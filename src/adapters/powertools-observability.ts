import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { LogFields, Logger } from '../core/ports/logger.ts';
import type { Metrics } from '../core/ports/metrics.ts';

/** CloudWatch namespace of every metric the Lambdas emit; the alarms in infra/ read it from here. */
export const METRICS_NAMESPACE = 'NewsletterDigest';

/**
 * The Logger port on Powertools Logger: one JSON object per line (level, timestamp, service, message and the
 * fields). Callers pass ids, counts and reasons, never article text or addresses.
 */
export function powertoolsLogger(service: string): Logger {
  const logger = new PowertoolsLogger({ serviceName: service });
  return {
    info: (message: string, fields: LogFields = {}) => logger.info(message, fields),
    warn: (message: string, fields: LogFields = {}) => logger.warn(message, fields),
    error: (message: string, fields: LogFields = {}) => logger.error(message, fields),
  };
}

/**
 * The Metrics port on Powertools Metrics: counts in the CloudWatch embedded metric format (no API call) under
 * METRICS_NAMESPACE with a `service` dimension, published at once so a Lambda that times out loses none.
 */
export function powertoolsMetrics(service: string): Metrics {
  const metrics = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE, serviceName: service });
  return {
    record(counts) {
      const entries = Object.entries(counts);
      if (entries.length === 0) return;
      for (const [name, value] of entries) metrics.addMetric(name, MetricUnit.Count, value);
      metrics.publishStoredMetrics();
    },
  };
}

/** Metrics nobody reads: the local `digest dev` loop, where only CloudWatch would use them. */
export const noMetrics: Metrics = { record: () => undefined };
