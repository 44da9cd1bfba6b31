// Shared vocabulary of the sandbox: the seeded world, the ledger of billed records and the
// CloudTrail event store. server.ts/metering.ts (protocol + metering) and cloudtrail.ts/world.ts/
// history.ts (CloudTrail + seeded data) meet only through these types.

export type IdentityModel = 'legacy' | 'concurrent-agreements';

export type SandboxDimension = { name: string; description: string };

export type SandboxProduct = {
  productCode: string;
  name: string;
  /** legacy: ProductCode + CustomerIdentifier; concurrent-agreements: CustomerAWSAccountId + LicenseArn, no ProductCode. */
  identityModel: IdentityModel;
  /** 'saas' products use BatchMeterUsage/ResolveCustomer; 'container'/'ami' use MeterUsage/RegisterUsage. */
  kind: 'saas' | 'container' | 'ami';
  dimensions: SandboxDimension[];
};

export type SandboxCustomer = {
  awsAccountId: string;
  name: string;
  /** Suspended buyer accounts get CustomerNotSubscribed on every record. */
  suspended: boolean;
};

export type SandboxSubscription = {
  productCode: string;
  customerAwsAccountId: string;
  /** Legacy products only: the opaque id ResolveCustomer returns and BatchMeterUsage takes. */
  customerIdentifier?: string;
  /** Concurrent-agreements products only. */
  licenseArn?: string;
  status: 'active' | 'unsubscribed';
  /** Epoch ms; usage before this is outside the license activation period. */
  activatedAt: number;
};

export type SandboxRegistrationToken = {
  /** Stored as issued; the sandbox is a test double, not a vault. */
  token: string;
  productCode: string;
  customerAwsAccountId: string;
  /** Epoch ms. */
  expiresAt: number;
};

export type SandboxWorld = {
  seed: number;
  sellerAccountId: string;
  region: string;
  products: SandboxProduct[];
  customers: SandboxCustomer[];
  subscriptions: SandboxSubscription[];
  tokens: SandboxRegistrationToken[];
};

export type SandboxAllocation = {
  allocatedUsageQuantity: number;
  tags?: { key: string; value: string }[];
};

/** One billed usage record (Success). The ledger is what a test compares with what was meant. */
export type LedgerEntry = {
  meteringRecordId: string;
  operation: 'BatchMeterUsage' | 'MeterUsage';
  productCode: string;
  customerIdentifier?: string;
  customerAwsAccountId?: string;
  licenseArn?: string;
  dimension: string;
  /** The region the call went to: AWS deduplicates per region (AWS-FACTS §1.3.4). */
  region: string;
  /** ISO hour, e.g. 2026-11-26T05:00:00.000Z: the dedup hour. */
  hour: string;
  /** Epoch ms of the record's own timestamp. */
  timestamp: number;
  quantity: number;
  allocations?: SandboxAllocation[];
  accessKeyId: string;
  /** Epoch ms when the sandbox accepted it. */
  billedAt: number;
  /**
   * MeterUsage only: the instance, task or pod that metered (workload.ts); AWS deduplicates
   * per workload, not per account.
   */
  workload?: string;
  /** MeterUsage only: the idempotency token and a fingerprint of the request it came with. */
  clientToken?: string;
  requestFingerprint?: string;
};

/** Who signed a call, as CloudTrail's userIdentity shows it. */
export type SandboxIdentity = {
  accessKeyId: string;
  secretAccessKey: string;
  /** Root: the account's own credentials (seeded history only; the sandbox issues no root keys). */
  type: 'IAMUser' | 'AssumedRole' | 'Root';
  userName: string;
  arn: string;
  accountId: string;
  principalId: string;
};

export type WorkloadKind = 'ec2-instance' | 'ecs-task' | 'eks-pod' | 'fargate-task';

/** An EC2 instance, ECS task or EKS pod: what MeterUsage and RegisterUsage are called from. */
export type SandboxWorkload = {
  kind: WorkloadKind;
  /** e.g. i-0abc…, an ECS task id, a pod name. */
  id: string;
  /** Where it runs: MeterUsage and RegisterUsage must be called in this region. */
  region?: string;
};

/**
 * A key the sandbox accepts. Long-term IAM-user keys have no session token; temporary keys (STS)
 * carry one and an expiry, and must send x-amz-security-token.
 */
export type SandboxCredential = SandboxIdentity & {
  sessionToken?: string;
  /** Epoch ms (wall clock). */
  expiresAt?: number;
  /** Set for the role session of an instance, task or pod (minted through the admin API). */
  workload?: SandboxWorkload;
};

/**
 * An IAM role that STS AssumeRole can hand out. Any key the sandbox knows may assume it (the trust
 * policy is "everyone in the table") unless a deny rule, a missing external id or MFA says no.
 */
export type SandboxRole = {
  roleArn: string;
  roleName: string;
  accountId: string;
  /** AROA…: the first half of an assumed-role principal id. */
  roleId: string;
  /** When set, AssumeRole must send exactly this ExternalId. */
  externalId?: string;
  /** When true, AssumeRole must send SerialNumber and a 6-digit TokenCode (000000 is refused). */
  mfaRequired?: boolean;
  /** 3600 unless set; AssumeRole's DurationSeconds may not exceed it. */
  maxSessionDurationSeconds: number;
};

/** One CloudTrail event as LookupEvents returns it (Event shape), with the record as a JSON string. */
export type StoredCloudTrailEvent = {
  eventId: string;
  eventName: string;
  eventSource: string;
  /** Epoch ms. */
  eventTime: number;
  readOnly: 'true' | 'false';
  accessKeyId: string;
  username: string;
  resources: { resourceType?: string; resourceName?: string }[];
  /** The full CloudTrail record, JSON text, in the documented layout. */
  cloudTrailEvent: string;
};

/** What the protocol layer hands to the CloudTrail recorder after every metering call. */
export type MeteringCallRecord = {
  operation: 'BatchMeterUsage' | 'MeterUsage' | 'ResolveCustomer' | 'RegisterUsage';
  /** The request body as received (PascalCase members, epoch-second timestamps). */
  request: Record<string, unknown>;
  /** The response body as sent, or undefined when the call failed. */
  response?: Record<string, unknown>;
  error?: { code: string; message: string };
  identity: SandboxIdentity;
  region: string;
  /** Epoch ms. */
  time: number;
  sourceIpAddress: string;
  userAgent: string;
  requestId: string;
};
