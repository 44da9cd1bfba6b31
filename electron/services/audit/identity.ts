// Who made a metering call, read from a CloudTrail record's `userIdentity` element (CloudTrail
// userIdentity documentation; AWS-FACTS §0.1): the identity type as written, the ARN, the
// friendly name CloudTrail gives, and the person in words. For an assumed role the person is
// the role session name; IAM Identity Center sessions are roles named AWSReservedSSO_<set>_<hash>
// whose session name is the signed-in user (e.g. alice@example.com).
import { get, getStr, isObj, type Obj } from './json';

export type CallerIdentity = {
  type?: string;
  arn?: string;
  /** userName as CloudTrail gives it; for an assumed role, the role (sessionIssuer.userName). */
  userName?: string;
  person?: string;
  accessKeyId?: string;
  accountId?: string;
};

/** IAM Identity Center permission-set roles (the role name prefix AWS reserves). */
export const SSO_ROLE_PREFIX = 'AWSReservedSSO_';

/** The last path part of an ARN after a marker, e.g. `assumed-role/Role/session` → session. */
function arnTail(arn: string | undefined, marker: string): string | undefined {
  if (arn === undefined) return undefined;
  const at = arn.indexOf(`:${marker}/`);
  if (at < 0) return undefined;
  const tail = arn.slice(at + marker.length + 2).split('/');
  const last = tail[tail.length - 1];
  return last === undefined || last === '' ? undefined : last;
}

/** The part of a temporary principal id after the colon (`AROA…:session` → session). */
function principalSession(principalId: string | undefined): string | undefined {
  if (principalId === undefined) return undefined;
  const at = principalId.indexOf(':');
  return at < 0 || at === principalId.length - 1 ? undefined : principalId.slice(at + 1);
}

function issuerOf(user: Obj): Obj {
  const session = get(user, 'sessionContext');
  const issuer = isObj(session) ? get(session, 'sessionIssuer') : undefined;
  return isObj(issuer) ? issuer : {};
}

type Naming = { userName?: string | undefined; person?: string | undefined };

function namesFor(type: string, user: Obj, arn: string | undefined): Naming {
  const userName = getStr(user, 'userName');
  const principalId = getStr(user, 'principalId');
  const issuer = issuerOf(user);
  switch (type) {
    case 'IAMUser': {
      const name = userName ?? arnTail(arn, 'user');
      return { userName: name, person: name };
    }
    case 'AssumedRole': {
      const role = getStr(issuer, 'userName') ?? arn?.split('/')[1];
      const session = arnTail(arn, 'assumed-role') ?? principalSession(principalId);
      return { userName: userName ?? role, person: session ?? role };
    }
    case 'FederatedUser':
      return {
        userName: userName ?? getStr(issuer, 'userName'),
        person: arnTail(arn, 'federated-user') ?? principalSession(principalId),
      };
    case 'Root':
      // A root identity's userName, when present, is the account alias.
      return { userName, person: 'root user' };
    case 'AWSService':
      return { userName, person: getStr(user, 'invokedBy') ?? userName };
    case 'IdentityCenterUser': {
      const onBehalfOf = get(user, 'onBehalfOf');
      return { userName, person: isObj(onBehalfOf) ? getStr(onBehalfOf, 'userId') : userName };
    }
    case 'AWSAccount':
      return { userName, person: userName ?? principalId ?? getStr(user, 'accountId') };
    default:
      // WebIdentityUser and SAMLUser name the federated user; anything newer as it says.
      return { userName, person: userName };
  }
}

/** The caller of an event; `fallbackUsername` is LookupEvents' Username for the event. */
export function readIdentity(userIdentity: unknown, fallbackUsername?: string): CallerIdentity {
  const user = isObj(userIdentity) ? userIdentity : {};
  const type = getStr(user, 'type');
  const arn = getStr(user, 'arn');
  const names = namesFor(type ?? '', user, arn);
  const out: CallerIdentity = {};
  if (type !== undefined) out.type = type;
  if (arn !== undefined) out.arn = arn;
  const userName = names.userName ?? getStr(issuerOf(user), 'userName') ?? fallbackUsername;
  if (userName !== undefined) out.userName = userName;
  const person = names.person ?? fallbackUsername;
  if (person !== undefined) out.person = person;
  const accessKeyId = getStr(user, 'accessKeyId');
  if (accessKeyId !== undefined) out.accessKeyId = accessKeyId;
  const accountId = getStr(user, 'accountId');
  if (accountId !== undefined) out.accountId = accountId;
  return out;
}

/** True for an IAM Identity Center permission-set session (the role name says so). */
export function isSsoSession(identity: CallerIdentity): boolean {
  return identity.type === 'AssumedRole' && (identity.userName ?? '').startsWith(SSO_ROLE_PREFIX);
}
