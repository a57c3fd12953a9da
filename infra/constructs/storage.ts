/** The artifact bucket (same keys as the local ./data layout) and the registry table (versions + `current` pointers). */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * Prefixes of the bucket that are safe to expire: per-day caches a run reads only on their own day
 * (the Alpha Vantage statements and call quota, the ETF holdings); a later run fetches its own day.
 * Not `cache/yahoo/chart/` (a fully ended window is read again by every run over it: expiring it
 * would refetch it, and a changed bar would change the version), nor `models/`, `runs/` (what
 * `mizan gc` decides, by reference) nor `gc/pending/` (a gc's unfinished deletions). docs/deploy.md says the same.
 */
export const EXPIRING_PREFIXES = [
  { prefix: 'cache/alphavantage/', days: 30 },
  { prefix: 'cache/yahoo/top-holdings/', days: 30 },
] as const;

/** How long an overwritten or deleted object stays recoverable (the bucket is versioned). */
export const NONCURRENT_DAYS = 90;

export class MizanStorage extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    // Models are the product of GPU hours: keep bucket and table when the stack is deleted.
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, 'Artifacts', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
      lifecycleRules: [
        // Overwritten snapshots, superseded cache entries and what `mizan gc` deleted stay recoverable
        // for a while, not forever; then the delete marker left alone goes too.
        { noncurrentVersionExpiration: Duration.days(NONCURRENT_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(7), expiredObjectDeleteMarker: true },
        ...EXPIRING_PREFIXES.map(({ prefix, days }) => ({ id: `Expire-${prefix.replace(/\/$/, '').replaceAll('/', '-')}`, prefix, expiration: Duration.days(days) })),
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new dynamodb.Table(this, 'Registry', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
