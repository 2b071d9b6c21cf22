import { describe, expect, it } from 'vitest';
import { emailSettingsOf, parseStackConfig } from '../../infra/config.ts';
import { ConfigError } from '../../src/core/errors.ts';

describe('parseStackConfig', () => {
  it('fills the ingest and digest defaults', () => {
    const config = parseStackConfig({ sending: { enabled: false } });

    expect(config).toMatchObject({ incomingPrefix: 'incoming/', ingestBatchSize: 10, digest: {} });
  });

  it('refuses a digest schedule that is not a cron expression, naming the field', () => {
    const parse = () =>
      parseStackConfig({ sending: { enabled: false }, digest: { schedule: 'rate(7 days)' } });

    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/cron\(\.\.\.\) expression[\s\S]*at digest\.schedule/);
  });

  it('refuses an upload prefix that holds or lies in what the stack writes to the bucket itself', () => {
    // Prepare: normalised articles (written by ingest) and digests (written by the digest run) share the bucket.
    const prefixes = ['normalised/', 'digests/', 'digests/2026/', 'normalised/x/'];

    // Act and assess: each would make the stack's own writes uploads, ingested as articles again and again.
    for (const incomingPrefix of prefixes) {
      const parse = () => parseStackConfig({ sending: { enabled: false }, incomingPrefix });
      expect(parse, incomingPrefix).toThrow(ConfigError);
      expect(parse, incomingPrefix).toThrow(
        /must not hold or lie in (normalised|digests)\/[\s\S]*at incomingPrefix/,
      );
    }
    expect(
      parseStackConfig({ sending: { enabled: false }, incomingPrefix: 'uploads/news/' }).incomingPrefix,
    ).toBe('uploads/news/');
  });

  it('refuses an unknown send mode', () => {
    expect(() => parseStackConfig({ sending: { enabled: false }, digest: { sendMode: 'later' } })).toThrow(
      /digest\.sendMode/,
    );
  });
});

describe('parseStackConfig: settings the operator must give', () => {
  const sending = {
    subscribers: { senderAddress: 'digest@news.example.org' },
    email: { organisation: 'Morning Brief Ltd', postalAddress: ['12 Quay Street', 'Galway'] },
  };

  it('refuses an unknown key, naming it and the nearest valid key', () => {
    const parse = () => parseStackConfig({ ...sending, email: { ...sending.email, postalAdress: ['x'] } });

    expect(parse).toThrow(/unknown key "postalAdress" \(did you mean "postalAddress"\?\)[\s\S]*at email/);
    expect(() => parseStackConfig({ sending: { enabled: false }, alarmEmial: 'a@b.org' })).toThrow(
      /unknown key "alarmEmial" \(did you mean "alarmEmail"\?\)/,
    );
  });

  it('fails with one clear line when sending is wired and the postal address is missing', () => {
    const parse = () => parseStackConfig({ subscribers: { senderAddress: 'digest@news.example.org' } });

    expect(parse).toThrow(/sending is wired but email\.postalAddress is missing/);
  });

  it('fails without a sender unless sending.enabled is false', () => {
    expect(() => parseStackConfig({})).toThrow(/no sender: set subscribers\.senderAddress/);
    expect(parseStackConfig({ sending: { enabled: false } }).sending.enabled).toBe(false);
  });

  it('puts the organisation and the postal address in the footer of every rendering Lambda', () => {
    const settings = emailSettingsOf(
      parseStackConfig({ ...sending, email: { ...sending.email, lang: 'en-GB' } }),
    );

    expect(settings).toEqual({
      lang: 'en-GB',
      footer: { postalAddress: ['Morning Brief Ltd', '12 Quay Street', 'Galway'] },
    });
  });

  it('refuses a key-rotation grace period shorter than the longest token lifetime', () => {
    const parse = () =>
      parseStackConfig({ ...sending, subscribers: { ...sending.subscribers, tokenRotationGraceDays: 30 } });

    expect(parse).toThrow(/at least the longest token lifetime \(400 days\)/);
  });

  it("takes an editor's note for every digest, trimmed, and refuses an empty one", () => {
    const noSending = { sending: { enabled: false } };
    expect(parseStackConfig({ ...noSending, digest: { intro: '  From the desk. ' } }).digest.intro).toBe(
      'From the desk.',
    );
    expect(() => parseStackConfig({ ...noSending, digest: { intro: ' ' } })).toThrow(/intro/);
  });
});
