/**
 * AWS Batch for the trainer container: a GPU queue (spot first, on-demand behind it) for full trainings
 * and snapshots, a Fargate CPU queue for fine-tunes, one image built from containers/trainer/Dockerfile.
 */
import { Duration, IgnoreMode, Size } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import type { MizanConfig } from '../config/config.ts';
import { REPO_ROOT, repoPath } from '../config/paths.ts';

export const TRAINER_DOCKERFILE = 'containers/trainer/Dockerfile';
/** BuildKit reads `<Dockerfile>.dockerignore` next to the Dockerfile; the asset staging reads the same file. */
export const TRAINER_DOCKERIGNORE = 'containers/trainer/Dockerfile.dockerignore';

/** g5.xlarge / g4dn.xlarge: 4 vCPU, 16 GiB of which ECS leaves ~15 GiB to tasks. */
const GPU_JOB = { vcpus: 4, memory: Size.gibibytes(14) };
const FARGATE_JOB = { vcpus: 4, memory: Size.gibibytes(16) };
const PRIVATE_SUBNETS = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

/** What the GPU and the Fargate job definitions' containers share: the image, its role, its environment and logs. */
interface TrainerContainer {
  image: ecs.ContainerImage;
  environment: Record<string, string>;
  jobRole: iam.IRole;
  logging: ecs.LogDriver;
}

export interface TrainingBatchProps {
  config: MizanConfig;
  vpc: ec2.IVpc;
  /** Environment every trainer job gets (bucket, table, data source). */
  environment: Record<string, string>;
  logGroup: logs.ILogGroup;
}

export class TrainingBatch extends Construct {
  readonly image: ecrAssets.DockerImageAsset;
  readonly jobRole: iam.Role;
  readonly gpuQueue: batch.JobQueue;
  readonly cpuQueue: batch.JobQueue;
  readonly gpuJob: batch.EcsJobDefinition;
  readonly cpuJob: batch.EcsJobDefinition;
  readonly computeSecurityGroup: ec2.SecurityGroup;
  readonly gpuComputeEnvironments: batch.ManagedEc2EcsComputeEnvironment[] = [];

  constructor(scope: Construct, id: string, props: TrainingBatchProps) {
    super(scope, id);
    const { config, vpc } = props;

    // Built by `cdk deploy` (docker needed there), not at synth: synth only stages and hashes the files.
    this.image = new ecrAssets.DockerImageAsset(this, 'TrainerImage', {
      directory: REPO_ROOT,
      file: TRAINER_DOCKERFILE,
      exclude: readIgnoreFile(repoPath(TRAINER_DOCKERIGNORE)),
      ignoreMode: IgnoreMode.DOCKER,
      platform: ecrAssets.Platform.LINUX_AMD64,
    });
    // Jobs only talk out (ECR, S3, DynamoDB, Hugging Face); nothing talks in.
    this.computeSecurityGroup = new ec2.SecurityGroup(this, 'ComputeSecurityGroup', {
      vpc,
      description: 'mizan trainer jobs: egress only',
      allowAllOutbound: true,
    });
    this.gpuQueue = this.gpuJobQueue(config, vpc);
    this.cpuQueue = this.fargateJobQueue(config, vpc);

    this.jobRole = new iam.Role(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'mizan trainer: reads inputs and writes model artifacts in the artifact bucket',
    });
    const container: TrainerContainer = {
      image: ecs.ContainerImage.fromDockerImageAsset(this.image),
      environment: props.environment,
      jobRole: this.jobRole,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'trainer', logGroup: props.logGroup }),
    };
    const timeout = Duration.hours(config.trainJobTimeoutHours);
    this.gpuJob = this.gpuJobDefinition(container, timeout);
    this.cpuJob = this.fargateJobDefinition(container, timeout);
  }

  /** Spot first when allowed, on-demand behind it. */
  private gpuJobQueue(config: MizanConfig, vpc: ec2.IVpc): batch.JobQueue {
    const gpuOnDemand = this.gpuComputeEnvironment('GpuOnDemand', false, config, vpc);
    return new batch.JobQueue(this, 'GpuQueue', {
      computeEnvironments: config.gpuSpot
        ? [
            { computeEnvironment: this.gpuComputeEnvironment('GpuSpot', true, config, vpc), order: 1 },
            { computeEnvironment: gpuOnDemand, order: 2 },
          ]
        : [{ computeEnvironment: gpuOnDemand, order: 1 }],
      priority: 10,
    });
  }

  private gpuComputeEnvironment(name: string, spot: boolean, config: MizanConfig, vpc: ec2.IVpc): batch.ManagedEc2EcsComputeEnvironment {
    const environment = new batch.ManagedEc2EcsComputeEnvironment(this, name, {
      vpc,
      vpcSubnets: PRIVATE_SUBNETS,
      securityGroups: [this.computeSecurityGroup],
      instanceTypes: config.gpuInstanceTypes.map((type) => new ec2.InstanceType(type)),
      useOptimalInstanceClasses: false,
      // The ECS GPU AMI on Amazon Linux 2023 (Amazon Linux 2, ECS_AL2_NVIDIA, reached end of support on 2026-06-30).
      // Its NVIDIA driver runs the image's CUDA 11.2 user space (newer drivers run older CUDA); it has no p3/g3 support.
      images: [{ imageType: batch.EcsMachineImageType.ECS_AL2023_NVIDIA }],
      spot,
      allocationStrategy: spot ? batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED : batch.AllocationStrategy.BEST_FIT_PROGRESSIVE,
      minvCpus: 0, // nothing runs (or costs) between trainings
      maxvCpus: config.gpuMaxVcpus,
      updateToLatestImageVersion: true,
    });
    this.gpuComputeEnvironments.push(environment);
    return environment;
  }

  private fargateJobQueue(config: MizanConfig, vpc: ec2.IVpc): batch.JobQueue {
    const cpuEnvironment = new batch.FargateComputeEnvironment(this, 'CpuFargate', {
      vpc,
      vpcSubnets: PRIVATE_SUBNETS,
      securityGroups: [this.computeSecurityGroup],
      maxvCpus: config.cpuMaxVcpus,
    });
    return new batch.JobQueue(this, 'CpuQueue', {
      computeEnvironments: [{ computeEnvironment: cpuEnvironment, order: 1 }],
      priority: 10,
    });
  }

  private gpuJobDefinition(container: TrainerContainer, timeout: Duration): batch.EcsJobDefinition {
    return new batch.EcsJobDefinition(this, 'GpuTrainJob', {
      container: new batch.EcsEc2ContainerDefinition(this, 'GpuTrainer', {
        ...container,
        cpu: GPU_JOB.vcpus,
        memory: GPU_JOB.memory,
        gpu: 1,
        readonlyRootFilesystem: false, // tfjs-node-gpu writes its kernel cache under the home directory
      }),
      // A reclaimed spot instance reruns the job (its outputs are keyed by version: a rerun overwrites,
      // and metadata.json is written last); any other failure is final and the state machine records it.
      retryAttempts: 3,
      retryStrategies: [
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.SPOT_INSTANCE_RECLAIMED),
        batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.custom({ onStatusReason: '*' })),
      ],
      timeout,
      propagateTags: true,
    });
  }

  private fargateJobDefinition(container: TrainerContainer, timeout: Duration): batch.EcsJobDefinition {
    return new batch.EcsJobDefinition(this, 'CpuTrainJob', {
      container: new batch.EcsFargateContainerDefinition(this, 'CpuTrainer', {
        ...container,
        cpu: FARGATE_JOB.vcpus,
        memory: FARGATE_JOB.memory,
        assignPublicIp: false,
        fargatePlatformVersion: ecs.FargatePlatformVersion.LATEST,
        ephemeralStorageSize: Size.gibibytes(40), // the CUDA image is several GB unpacked
      }),
      retryAttempts: 1,
      timeout,
      propagateTags: true,
    });
  }
}

/** The non-comment lines of a .dockerignore, as CDK asset exclude patterns (docker syntax, `!` re-includes). */
export function readIgnoreFile(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
