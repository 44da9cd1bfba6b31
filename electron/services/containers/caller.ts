// What identifies the caller of MeterUsage and RegisterUsage. AWS counts one MeterUsage report per
// hour and dimension for each EC2 instance, ECS task or EKS pod (the model doc of
// DuplicateRequestException), not per account: the app shows which identity its calls sign as,
// and what that means for the dedup.
import type { CallerView } from '../../../shared/channels/containers';

const ASSUMED_ROLE = /^arn:aws[\w-]*:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;
const IAM_USER = /^arn:aws[\w-]*:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/;
const ROOT = /^arn:aws[\w-]*:iam::(\d{12}):root$/;
const FEDERATED = /^arn:aws[\w-]*:sts::(\d{12}):federated-user\/(.+)$/;

const PER_WORKLOAD =
  'AWS keeps one MeterUsage report per hour and dimension for each EC2 instance, ECS task or EKS pod, not one per account.';

/** Reads a caller ARN (STS GetCallerIdentity) into who it is and what AWS counts it as. */
export function describeCaller(
  arn: string,
  account: string,
  isSandbox: boolean,
): Omit<CallerView, 'connectionName' | 'region'> {
  const role = ASSUMED_ROLE.exec(arn);
  if (role) {
    const [, , roleName = '', session = ''] = role;
    return {
      arn,
      account,
      kind: 'role-session',
      name: session,
      explanation: `${PER_WORKLOAD} These calls sign as role session “${session}” of role ${roleName}. An instance or task role’s session is named after it (an EC2 instance id such as i-0abc…, or the ECS task id), so the session is the instance, task or pod AWS counts.`,
    };
  }
  const user = IAM_USER.exec(arn);
  if (user) {
    const name = user[2] ?? '';
    return {
      arn,
      account,
      kind: 'iam-user',
      name,
      explanation: `${PER_WORKLOAD} These calls sign with the long-term keys of IAM user ${name}, not as an instance, task or pod: in production MeterUsage runs with the instance, task or pod role.${isSandbox ? ' The Sandbox counts each access key as one workload (or the one named in its x-sandbox-workload header).' : ''}`,
    };
  }
  const root = ROOT.exec(arn);
  if (root) {
    return {
      arn,
      account,
      kind: 'root',
      name: 'root',
      explanation: `${PER_WORKLOAD} These calls sign as the account’s root user, which no instance, task or pod uses.`,
    };
  }
  const federated = FEDERATED.exec(arn);
  return {
    arn,
    account,
    kind: federated ? 'federated-user' : 'other',
    name: federated?.[2] ?? arn,
    explanation: `${PER_WORKLOAD} These calls sign as ${arn}.`,
  };
}
