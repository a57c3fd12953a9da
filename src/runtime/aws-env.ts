/**
 * The names of the environment variables of the AWS deployment, shared by the CDK stack that sets
 * them, the runtime that reads them (aws-deps.ts) and `mizan dashboard --bucket`. No SDK here:
 * reading a name loads nothing.
 */
export const AWS_ENV = {
  bucket: 'MIZAN_BUCKET',
  bucketPrefix: 'MIZAN_BUCKET_PREFIX',
  table: 'MIZAN_TABLE',
  stateMachineArn: 'MIZAN_STATE_MACHINE_ARN',
  dataSource: 'MIZAN_DATA_SOURCE',
  sampleDir: 'MIZAN_SAMPLE_DIR',
  hfRepo: 'MIZAN_HF_REPO',
  hfSecretArn: 'MIZAN_HF_SECRET_ARN',
} as const;
