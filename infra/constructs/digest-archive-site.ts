import { Aws, CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  type OriginBindConfig,
  type OriginBindOptions,
  PriceClass,
  ResponseHeadersPolicy,
  S3OriginAccessControl,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ConfigError } from '../../src/core/errors.ts';
import { ARCHIVE_PAGE, PUBLISHED_PAGE_TAG } from '../../src/core/ports/digest-archive.ts';

/** The only objects the archive site may read: each archived digest's HTML. */
export const ARCHIVE_PAGE_PATTERN = `digests/*/${ARCHIVE_PAGE}`;

/**
 * CloudFront Function (viewer request): anything but an archive page gets a 404 at the edge, before S3
 * (which would answer 403 through the bucket policy anyway) and without an S3 request to pay for.
 */
export const ARCHIVE_PAGE_FILTER = `function handler(event) {
  if (/^\\/digests\\/.+\\/digest\\.html$/.test(event.request.uri)) return event.request;
  return { statusCode: 404, statusDescription: 'Not Found' };
}`;

export interface DigestArchiveSiteProps {
  /** The bucket the scheduled digest archives into (`digests/YYYY/MM/DD/<digestId>/`); SSE-S3 encrypted. */
  readonly bucket: IBucket;
  /**
   * Custom domain of the site, e.g. `archive.news.example.org`. With it the viewer certificate is yours
   * and the minimum viewer TLS is 1.2; without it CloudFront's default certificate allows TLS 1.0.
   * @default the distribution's own `*.cloudfront.net` name
   */
  readonly domainName?: string;
  /**
   * ARN of an ACM certificate in us-east-1 for `domainName`.
   * @default none (required with domainName)
   */
  readonly certificateArn?: string;
  /**
   * Edge locations that serve the site.
   * @default PriceClass.PRICE_CLASS_100 (North America and Europe)
   */
  readonly priceClass?: PriceClass;
  /**
   * Whether the access-log bucket survives `cdk destroy`.
   * @default true
   */
  readonly retainData?: boolean;
}

/**
 * The public "view in browser" archive: a CloudFront distribution whose Origin Access Control may read
 * only `digests/*\/digest.html` in the articles bucket (everything else there stays private: 404 at the
 * edge, 403 from S3), HTTPS only, security headers, cached for a day by default since archives are written once.
 */
export class DigestArchiveSite extends Construct {
  readonly distribution: Distribution;
  /** https:// base of the site, without a trailing slash; a page is `<baseUrl>/<archivePrefix>digest.html`. */
  readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: DigestArchiveSiteProps) {
    super(scope, id);
    if (props.bucket.encryptionKey) {
      // OAC through SSE-KMS needs a key policy grant to CloudFront, which this construct does not make.
      throw new ConfigError(
        'DigestArchiveSite serves an SSE-S3 bucket only; this bucket is encrypted with KMS',
      );
    }
    if (Boolean(props.domainName) !== Boolean(props.certificateArn)) {
      throw new ConfigError('DigestArchiveSite needs domainName and certificateArn together');
    }
    const removalPolicy = (props.retainData ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // CloudFront standard logs are written with ACLs, hence ObjectWriter on this bucket only.
    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy,
    });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Security headers of the digest archive pages',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        // The page is the email: inline styles, remote https images, no scripts, forms or frames.
        contentSecurityPolicy: {
          contentSecurityPolicy:
            "default-src 'none'; img-src https: data:; style-src 'unsafe-inline' https:; font-src https:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
          override: true,
        },
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Public archive of sent digests (view in browser)',
      defaultBehavior: {
        origin: new ArchivePageOrigin(props.bucket, new S3OriginAccessControl(this, 'OriginAccess')),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new CloudFrontFunction(this, 'PageFilter', {
              comment: 'Answers 404 to anything but digests/*/digest.html',
              code: FunctionCode.fromInline(ARCHIVE_PAGE_FILTER),
              runtime: FunctionRuntime.JS_2_0,
            }),
          },
        ],
      },
      ...(props.domainName && props.certificateArn
        ? {
            domainNames: [props.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
            // Only settable with your own certificate; the default one's policy is fixed by CloudFront.
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'archive-site/',
    });
    this.baseUrl = `https://${props.domainName ?? this.distribution.distributionDomainName}`;
    this.acknowledgeChecks(logs, Boolean(props.domainName));
    new CfnOutput(this, 'ArchiveBaseUrl', {
      description:
        'https base of the "view in browser" pages: <base>/digests/YYYY/MM/DD/<digestId>/digest.html',
      value: this.baseUrl,
    });
    new CfnOutput(this, 'ArchiveDistributionId', { value: this.distribution.distributionId });
  }

  private acknowledgeChecks(logs: Bucket, customDomain: boolean): void {
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'This bucket only receives the archive distribution access logs; logging it would log logs.',
    });
    const distribution = Validations.of(this.distribution);
    distribution.acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR1',
      reason: 'The archive is a public newsletter for readers anywhere; there is no country to exclude.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR2',
      reason:
        'Read-only cached GETs of public pages; the origin serves one key pattern and no compute, so WAF would cost more than the abuse it could stop.',
    });
    if (!customDomain) {
      distribution.acknowledge({
        id: 'AwsSolutions::AwsSolutions-CFR4',
        reason:
          'Without archive.domainName the default *.cloudfront.net certificate is used, whose minimum TLS CloudFront fixes; set domainName and certificateArn for TLS 1.2+.',
      });
    }
  }
}

/**
 * An S3 origin reached through Origin Access Control whose bucket policy statement names only the archive
 * pages. (S3BucketOrigin.withOriginAccessControl grants the whole bucket, `arn:.../*`.)
 */
class ArchivePageOrigin extends S3BucketOrigin {
  private readonly pages: IBucket;
  private readonly access: S3OriginAccessControl;

  constructor(bucket: IBucket, access: S3OriginAccessControl) {
    super(bucket);
    this.pages = bucket;
    this.access = access;
  }

  override bind(scope: Construct, options: OriginBindOptions): OriginBindConfig {
    const { statementAdded } = this.pages.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [this.pages.arnForObjects(ARCHIVE_PAGE_PATTERN)],
        conditions: {
          StringEquals: {
            'AWS:SourceArn': `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/${options.distributionId}`,
            // Published pages only: a digest's page is tagged when it is handed to sending, so a pending,
            // rejected or dropped digest stays private at its predictable address.
            [`s3:ExistingObjectTag/${PUBLISHED_PAGE_TAG.key}`]: PUBLISHED_PAGE_TAG.value,
          },
        },
      }),
    );
    if (!statementAdded)
      throw new ConfigError('DigestArchiveSite cannot add to the policy of an imported bucket');
    const config = super.bind(scope, options);
    if (!config.originProperty) throw new ConfigError('S3 origin rendered no origin property');
    return {
      ...config,
      originProperty: { ...config.originProperty, originAccessControlId: this.access.originAccessControlId },
    };
  }
}
