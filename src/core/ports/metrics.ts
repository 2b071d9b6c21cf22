/** Named counts the core decides to record; how and where they are published is the adapter's business. */
export interface Metrics {
  record(counts: Record<string, number>): void;
}
