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

  it('refuses, at synth, a cron expression EventBridge Scheduler would refuse at deploy', () => {
    // Prepare: five Unix fields, and six with both day fields set.
    const parse = (schedule: string) =>
      parseStackConfig({ sending: { enabled: false }, digest: { schedule } });

    // Act and Assess
    expect(() => parse('cron(0 7 * * 1)')).toThrow(/6 fields.*has 5[\s\S]*at digest\.schedule/);
    expect(() => parse('cron(0 7 * * MON *)')).toThrow(/"\?" in day-of-month or day-of-week/);
    expect(parse('cron(0 7 ? * MON *)').digest.schedule).toBe('cron(0 7 ? * MON *)');
    expect(parse('cron(30 6 1 * ? *)').digest.schedule).toBe('cron(30 6 1 * ? *)');
  });

  it('refuses a time zone that is not an IANA name, naming the field', () => {
    const parse = (timeZone: string) =>
      parseStackConfig({ sending: { enabled: false }, digest: { timeZone } });

    expect(() => parse('Europe/Londn')).toThrow(/not an IANA time zone[\s\S]*at digest\.timeZone/);
    expect(parse('Europe/London').digest.timeZone).toBe('Europe/London');
    expect(parse('UTC').digest.timeZone).toBe('UTC');
  });

  it('refuses an incoming prefix under what the stack writes itself, which ingest would read back in a loop', () => {
    // Prepare
    const parse = (incomingPrefix: string) =>
      parseStackConfig({ sending: { enabled: false }, incomingPrefix });

    // Act and Assess
    expect(() => parse('normalised/')).toThrow(
      /must not be under normalised\/ or digests\/[\s\S]*at incomingPrefix/,
    );
    expect(() => parse('digests/uploads/')).toThrow(/at incomingPrefix/);
    expect(parse('uploads/normalised/').incomingPrefix).toBe('uploads/normalised/');
  });

  it('refuses an unknown send mode', () => {
    expect(() => parseStackConfig({ sending: { enabled: false }, digest: { sendMode: 'later' } })).toThrow(
      /digest\.sendMode/,
    );
  });
});

describe('parseStackConfig: the -c digest:config string', () => {
  it('reads the JSON the cdk CLI hands over as a string', () => {
    const config = parseStackConfig('{"sending":{"enabled":false},"ingestBatchSize":5}');

    expect(config.ingestBatchSize).toBe(5);
  });

  it('says that the cdk CLI kept only the first line when the JSON ends early', () => {
    // Prepare: `cdk -c 'digest:config={"alarmEmail":"ops@example.com",\n  "sending":...}'` hands over line one.
    const firstLine = '{"alarmEmail":"ops@example.com",';

    // Act
    const parse = () => parseStackConfig(firstLine);

    // Assess
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/ends before its last "}".*only the first line of a -c value.*one line/);
  });

  it('gives no line-break hint for JSON that is complete but wrong', () => {
    expect(() => parseStackConfig("{'sending':{}}")).toThrow(/digest:config is not JSON/);
    expect(() => parseStackConfig("{'sending':{}}")).not.toThrow(/first line/);
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

  it('refuses a List-Id the messages could not carry, which would fail every send batch', () => {
    // Prepare
    const parse = (listId: string) => parseStackConfig({ ...sending, sending: { listId } });

    // Act and Assess
    expect(() => parse('weekly digest')).toThrow(
      /must look like list\.example\.com[\s\S]*at sending\.listId/,
    );
    expect(() => parse('')).toThrow(/at sending\.listId/);
    expect(parse('weekly.news.example.org').sending.listId).toBe('weekly.news.example.org');
  });

  it('refuses an archive domain name that is not a bare lower-case domain, such as a pasted URL', () => {
    // Prepare
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';
    const parse = (domainName: string) =>
      parseStackConfig({ sending: { enabled: false }, archive: { domainName, certificateArn } });

    // Act and Assess
    expect(() => parse('https://archive.example.org')).toThrow(
      /lower-case domain[\s\S]*at archive\.domainName/,
    );
    expect(() => parse('Archive.Example.org')).toThrow(/at archive\.domainName/);
    expect(parse('archive.news.example.org').archive.domainName).toBe('archive.news.example.org');
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

  it('refuses an email.lang Intl cannot write dates in, as the rendering Lambdas would at their start', () => {
    // Prepare: shaped like a tag; the Lambdas' email settings refuse it, so the deploy must too.
    const config = { ...sending, email: { ...sending.email, lang: 'zz' } };

    // Act
    const parse = () => parseStackConfig(config);

    // Assess
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/lang "zz" is not a language .*supports no such locale[\s\S]*at email\.lang/);
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
