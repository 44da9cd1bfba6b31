// Who is calling MeterUsage and RegisterUsage, as AWS sees it: an EC2 instance, ECS task or EKS
// pod (the model doc of DuplicateRequestException: one report per hour and dimension "from the
// same EC2 instance, ECS task, or EKS pod"). The sandbox reads it, in this order, from
//   1. the `x-sandbox-workload` header: `<kind>/<id>` or `<kind>/<id>@<region>`, so one key can
//      stand in for several containers (kinds: ec2-instance, ecs-task, eks-pod, fargate-task);
//   2. the credentials, when they were minted for a workload (POST /_sandbox/credentials with
//      `workload`): an instance or task role session named after the instance or task;
//   3. any other role session: its session name (AWS names EC2 instance-role sessions after the
//      instance and ECS task-role sessions after the task);
//   4. otherwise the access key itself, one "workload" per long-term key.
import { SandboxApiError } from './errors';
import type { SandboxCredential, SandboxWorkload, WorkloadKind } from './types';

export const WORKLOAD_HEADER = 'x-sandbox-workload';

export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  'ec2-instance',
  'ecs-task',
  'eks-pod',
  'fargate-task',
];

export type CallerWorkload = {
  /** What the dedup key holds, e.g. "ecs-task/4f1c…" or "access-key/AKIA…". */
  key: string;
  source: 'header' | 'credentials' | 'role-session' | 'access-key';
  kind?: WorkloadKind;
  /** The region the workload runs in, when known: calls must be made there. */
  region?: string;
};

const HEADER_VALUE = /^([a-z0-9-]+)\/([\w.:-]{1,128})(?:@([a-z]{2}(?:-[a-z]+)+-\d{1,2}))?$/;

/** Parses `<kind>/<id>[@<region>]`; throws a 400 naming the expected form. */
export function parseWorkloadHeader(value: string): SandboxWorkload {
  const match = HEADER_VALUE.exec(value.trim());
  const kind = WORKLOAD_KINDS.find((k) => k === match?.[1]);
  if (!match || !kind || match[2] === undefined) {
    throw new SandboxApiError(
      'ValidationException',
      `${WORKLOAD_HEADER} must be <kind>/<id> or <kind>/<id>@<region>, with kind one of ${WORKLOAD_KINDS.join(', ')}.`,
      400,
    );
  }
  return { kind, id: match[2], ...(match[3] === undefined ? {} : { region: match[3] }) };
}

function fromWorkload(workload: SandboxWorkload, source: CallerWorkload['source']): CallerWorkload {
  return {
    key: `${workload.kind}/${workload.id}`,
    source,
    kind: workload.kind,
    ...(workload.region === undefined ? {} : { region: workload.region }),
  };
}

export function callerWorkload(
  identity: SandboxCredential,
  header: string | string[] | undefined,
): CallerWorkload {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && value.trim() !== '') {
    return fromWorkload(parseWorkloadHeader(value), 'header');
  }
  if (identity.workload) return fromWorkload(identity.workload, 'credentials');
  if (identity.type === 'AssumedRole') {
    const session = identity.arn.slice(identity.arn.lastIndexOf('/') + 1);
    return { key: `role-session/${session}`, source: 'role-session' };
  }
  return { key: `access-key/${identity.accessKeyId}`, source: 'access-key' };
}

/** The role an instance, task or pod credential is minted under (sandbox names). */
export function workloadRoleName(kind: WorkloadKind): string {
  switch (kind) {
    case 'ec2-instance':
      return 'MeterdeskSandboxInstanceRole';
    case 'eks-pod':
      return 'MeterdeskSandboxPodRole';
    default:
      return 'MeterdeskSandboxTaskRole';
  }
}
