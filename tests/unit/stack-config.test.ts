import { describe, expect, it } from 'vitest';
import { parseStackConfig } from '../../infra/config.ts';
import { ConfigError } from '../../src/core/errors.ts';

describe('parseStackConfig', () => {
  it('fills the ingest and digest defaults', () => {
    const config = parseStackConfig(undefined);

    expect(config).toMatchObject({ incomingPrefix: 'incoming/', ingestBatchSize: 10, digest: {} });
  });

  it('refuses a digest schedule that is not a cron expression, naming the field', () => {
    const parse = () => parseStackConfig({ digest: { schedule: 'rate(7 days)' } });

    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/cron\(\.\.\.\) expression[\s\S]*at digest\.schedule/);
  });

  it('refuses an unknown send mode', () => {
    expect(() => parseStackConfig({ digest: { sendMode: 'later' } })).toThrow(/digest\.sendMode/);
  });

  it("takes an editor's note for every digest, trimmed, and refuses an empty one", () => {
    expect(parseStackConfig({ digest: { intro: '  From the desk. ' } }).digest.intro).toBe('From the desk.');
    expect(() => parseStackConfig({ digest: { intro: ' ' } })).toThrow(/digest\.intro/);
  });
});
