import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseStackConfig } from '../../infra/config.ts';
import { ARCHIVE_PAGE_FILTER, DigestArchiveSite } from '../../infra/constructs/digest-archive-site.ts';
import { DigestStack } from '../../infra/digest-stack.ts';
import { testApp } from '../support/cdk-context.ts';
import { SENDING_EMAIL, type ValidationReport } from '../support/synth.ts';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc';

/** The whole stack as `cdk synth` makes it, with cdk-nag, but without bundling the Lambda code. */
function synthStack(rawConfig: unknown) {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-archive-'));
  const app = testApp({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new DigestStack(app, 'NewsletterDigest', { config: parseStackConfig(rawConfig), env: ENV });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  const report = JSON.parse(
    readFileSync(join(outdir, 'validation-report.json'), 'utf-8'),
  ) as ValidationReport;
  return { stack, template: Template.fromStack(stack), report };
}

function nagOf(report: ValidationReport) {
  const nag = report.pluginReports.find((p) => p.pluginName === 'AwsSolutions');
  if (!nag) throw new Error('no AwsSolutions report');
  return nag;
}

/** Every bucket policy statement that lets CloudFront in. */
function cloudFrontStatements(template: Template): Record<string, unknown>[] {
  return Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]).filter((s) =>
      JSON.stringify(s.Principal ?? '').includes('cloudfront.amazonaws.com'),
    ),
  );
}

describe('public archive site in the digest stack', () => {
  let synthesised: ReturnType<typeof synthStack>;

  beforeAll(() => {
    synthesised = synthStack({
      subscribers: { senderAddress: 'digest@news.example.org' },
      email: SENDING_EMAIL,
    });
  }, 120_000);

  it('serves the articles bucket through Origin Access Control, HTTPS only, cached, with security headers', () => {
    const { template, stack } = synthesised;
    const articles = stack.resolve(
      (stack.node.findChild('ArticleIngest').node.findChild('Articles') as Bucket).bucketRegionalDomainName,
    );
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: [
          Match.objectLike({
            DomainName: articles,
            OriginAccessControlId: { 'Fn::GetAtt': [Match.stringLikeRegexp('OriginAccess'), 'Id'] },
            S3OriginConfig: { OriginAccessIdentity: '' },
          }),
        ],
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          // Managed CachingOptimized: archived pages are written once.
          CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
          ResponseHeadersPolicyId: { Ref: Match.stringLikeRegexp('SecurityHeaders') },
        }),
        CacheBehaviors: Match.absent(),
        Logging: Match.objectLike({ Prefix: 'archive-site/' }),
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31_536_000, Override: true }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
          ContentSecurityPolicy: Match.objectLike({
            ContentSecurityPolicy: Match.stringLikeRegexp("default-src 'none'.*frame-ancestors 'none'"),
          }),
        }),
      }),
    });
  });

  it("lets CloudFront read only published digests/*/digest.html pages, and only this distribution's requests", () => {
    const { template, stack } = synthesised;
    const statements = cloudFrontStatements(template);
    expect(statements).toHaveLength(1);
    const [statement] = statements;
    const articlesId = stack.getLogicalId(
      stack.node.findChild('ArticleIngest').node.findChild('Articles').node.defaultChild as never,
    );
    const site = stack.node.findChild('ArchiveSite') as DigestArchiveSite;
    const distributionId = stack.getLogicalId(site.distribution.node.defaultChild as never);
    expect(statement).toEqual({
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [articlesId, 'Arn'] }, '/digests/*/digest.html']] },
      Condition: {
        StringEquals: {
          'AWS:SourceArn': {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':cloudfront::',
                { Ref: 'AWS::AccountId' },
                ':distribution/',
                { Ref: distributionId },
              ],
            ],
          },
          // A page is public once its digest is handed to sending: pending and rejected ones stay private.
          's3:ExistingObjectTag/archive': 'public',
        },
      },
    });
    // It is the only Allow in any bucket policy but S3's own log delivery (PutObject into the access-log bucket):
    // incoming/, normalised/ and digest.{json,txt,eml} stay private.
    const allows = Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap((policy) =>
      (
        policy.Properties.PolicyDocument.Statement as {
          Effect: string;
          Principal?: { Service?: string };
          Action?: unknown;
          Resource?: unknown;
        }[]
      ).filter((s) => s.Effect === 'Allow'),
    );
    expect(allows.filter((s) => s.Principal?.Service !== 'logging.s3.amazonaws.com')).toEqual([statement]);
    expect(
      allows
        .filter((s) => s.Principal?.Service === 'logging.s3.amazonaws.com')
        .map((s) => [s.Action, s.Resource]),
    ).toEqual([
      [
        's3:PutObject',
        {
          'Fn::Join': [
            '',
            [{ 'Fn::GetAtt': [expect.stringMatching(/^ArticleIngestAccessLogs/), 'Arn'] }, '/articles/*'],
          ],
        },
      ],
    ]);
  });

  it('answers 404 at the edge to anything but an archive page (CloudFront Function on viewer requests)', () => {
    // prepare
    const { template } = synthesised;
    const event = JSON.parse(
      readFileSync(new URL('../fixtures/cloudfront/viewer-request.json', import.meta.url), 'utf8'),
    );
    const handler = new Function(`${ARCHIVE_PAGE_FILTER}; return handler;`)() as (e: unknown) => unknown;
    const requestFor = (uri: string) => handler({ ...event, request: { ...event.request, uri } });

    // act
    const page = requestFor(event.request.uri);
    const refused = [
      '/',
      '/incoming/article.md',
      '/normalised/abc.json',
      '/digests/2026/11/23/2026-11-23.daily/digest.json',
      '/digests/2026/11/23/2026-11-23.daily/digest.eml',
      '/digests/2026/11/23/2026-11-23.daily/digest.html.bak',
      '/digests/digest.html',
    ].map((uri) => [uri, requestFor(uri)]);

    // assess
    expect(page).toEqual(event.request);
    for (const [, answer] of refused)
      expect(answer).toEqual({ statusCode: 404, statusDescription: 'Not Found' });
    template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: ARCHIVE_PAGE_FILTER,
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
      AutoPublish: true,
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          FunctionAssociations: [
            { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [Match.anyValue(), 'FunctionARN'] } },
          ],
        }),
      }),
    });
  });

  it('passes the site base URL to the send worker and prints it', () => {
    const { template } = synthesised;
    const base = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.anyValue(), 'DomainName'] }]] };
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Sends recipient batches'),
      Environment: { Variables: Match.objectLike({ ARCHIVE_BASE_URL: base }) },
    });
    template.hasOutput('*', { Value: base });
  });

  it('passes cdk-nag AwsSolutions; each suppression names its rule, resource and reason', () => {
    const nag = nagOf(synthesised.report);
    expect(nag.violations).toEqual([]);
    const site = nag.suppressedViolations.filter((s) =>
      s.violatingConstructs.some((c) => c.constructPath.includes('/ArchiveSite/')),
    );
    expect(site.map((s) => s.ruleName).sort()).toEqual([
      'AwsSolutions-CFR1',
      'AwsSolutions-CFR2',
      'AwsSolutions-CFR4',
      'AwsSolutions-S1',
    ]);
    for (const suppressed of site) expect(suppressed.reason.length).toBeGreaterThan(30);
  });

  it('leaves the site and the link out when archive.enabled is false', () => {
    const { template } = synthStack({
      subscribers: { senderAddress: 'digest@news.example.org' },
      email: SENDING_EMAIL,
      archive: { enabled: false },
    });
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    expect(cloudFrontStatements(template)).toEqual([]);
    const workers = template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('^Sends recipient batches') },
    });
    expect(Object.keys(workers)).toHaveLength(1);
    expect(JSON.stringify(workers)).not.toContain('ARCHIVE_BASE_URL');
  });
});

describe('DigestArchiveSite on its own', () => {
  function stackWith(bucketEncryption: BucketEncryption) {
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-archive-'));
    const app = testApp({ outdir });
    const stack = new Stack(app, 'ArchiveSiteTest', { env: ENV });
    const bucket = new Bucket(stack, 'Articles', {
      enforceSSL: true,
      encryption: bucketEncryption,
      ...(bucketEncryption === BucketEncryption.KMS ? { encryptionKey: new Key(stack, 'Key') } : {}),
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'A stand-in for the articles bucket, whose access logging is tested with ArticleIngest.',
    });
    return { app, stack, bucket, outdir };
  }

  it('uses the custom domain, its certificate and TLS 1.2 (2021) when given, without the CFR4 exception', () => {
    const { app, stack, bucket, outdir } = stackWith(BucketEncryption.S3_MANAGED);
    const site = new DigestArchiveSite(stack, 'Site', {
      bucket,
      domainName: 'archive.news.example.org',
      certificateArn: CERTIFICATE,
      retainData: false,
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf-8'));
    const nag = nagOf(report);
    expect(nag.violations).toEqual([]);
    expect(nag.suppressedViolations.map((v) => v.ruleName)).not.toContain('AwsSolutions-CFR4');
    expect(site.baseUrl).toBe('https://archive.news.example.org');
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['archive.news.example.org'],
        ViewerCertificate: {
          AcmCertificateArn: CERTIFICATE,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
  });

  it('refuses a KMS-encrypted bucket and a domain without its certificate, naming the reason', () => {
    const kms = stackWith(BucketEncryption.KMS);
    expect(() => new DigestArchiveSite(kms.stack, 'Site', { bucket: kms.bucket })).toThrow(/KMS/);
    const plain = stackWith(BucketEncryption.S3_MANAGED);
    expect(
      () => new DigestArchiveSite(plain.stack, 'Site', { bucket: plain.bucket, domainName: 'a.example.org' }),
    ).toThrow(/domainName and certificateArn together/);
    expect(() => parseStackConfig({ archive: { domainName: 'archive.example.org' } })).toThrow(/go together/);
  });
});
