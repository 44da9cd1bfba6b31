// Durable sandbox state under the data folder: the world (with minted tokens), the credential
// table and the ledger of billed records with its dedup indexes.
//
// The ledger is an append-only JSONL file: each call appends its billed entries in one write
// before the answer is sent, so a record the client saw as billed survives any restart and the
// cost per call is one small write (no rewrite of 10k+ entries). A torn last line (crash mid
// write) is skipped on load.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { createWorld } from './world';
import { createRng, deriveSeed } from './prng';
import type { LedgerEntry, SandboxCredential, SandboxRole, SandboxWorld } from './types';

/** The sandbox's state holds credentials: private to the user (0600 in a 0700 folder). */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export function writeFileAtomic(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: DIR_MODE });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data, { mode: FILE_MODE });
  renameSync(tmp, path);
}

const WORLD_FILE = 'world.json';
const LEDGER_FILE = 'ledger.jsonl';
const CREDENTIALS_FILE = 'credentials.json';
const ROLES_FILE = 'roles.json';

/**
 * Dedup bucket of a billed record (AWS-FACTS §1.3.4 / §1.4), within the region the call went to
 * (the AWS skill scopes dedup per region; UNVERIFIED, and the sandbox follows it).
 */
export function dedupKeyOf(entry: LedgerEntry): string {
  if (entry.operation === 'MeterUsage') {
    // One report per hour and dimension from each EC2 instance, ECS task or EKS pod (the model
    // doc of DuplicateRequestException), within the metering account.
    return `${entry.region}|meter|${entry.productCode}|${entry.customerAwsAccountId ?? ''}|${entry.workload ?? `access-key/${entry.accessKeyId}`}|${entry.dimension}|${entry.hour}`;
  }
  if (entry.licenseArn !== undefined) {
    // Concurrent agreements: per license, since one account can hold several licenses.
    return `${entry.region}|batch|license|${entry.licenseArn}|${entry.dimension}|${entry.hour}`;
  }
  // Legacy: per product and customer, whichever of the two customer ids the record named.
  return `${entry.region}|batch|product|${entry.productCode}|${entry.customerAwsAccountId ?? entry.customerIdentifier ?? ''}|${entry.dimension}|${entry.hour}`;
}

/** The built-in seller key pair, deterministic from the seed so tests and docs can rely on it. */
export function sellerCredential(seed: number, sellerAccountId: string): SandboxCredential {
  const rng = createRng(deriveSeed(seed, 'credentials'));
  const accessKeyId = `AKIA${rng.alnum(16).toUpperCase()}`;
  const userName = 'meterdesk-sandbox';
  return {
    accessKeyId,
    secretAccessKey: rng.alnum(40),
    type: 'IAMUser',
    userName,
    arn: `arn:aws:iam::${sellerAccountId}:user/${userName}`,
    accountId: sellerAccountId,
    principalId: `AIDA${rng.alnum(17).toUpperCase()}`,
  };
}

/** The roles every sandbox starts with, in the seller account (stable, so docs and tests can name them). */
export function defaultRoles(sellerAccountId: string): SandboxRole[] {
  const role = (name: string, roleId: string, extra: Partial<SandboxRole> = {}): SandboxRole => ({
    roleArn: `arn:aws:iam::${sellerAccountId}:role/${name}`,
    roleName: name,
    accountId: sellerAccountId,
    roleId,
    maxSessionDurationSeconds: 3600,
    ...extra,
  });
  return [
    role('MeterdeskOperator', 'AROAMETERDESKOPERATOR1'),
    role('MeterdeskPartnerAccess', 'AROAMETERDESKPARTNER01', {
      externalId: 'meterdesk-sandbox-external-id',
    }),
    role('MeterdeskMfaOperator', 'AROAMETERDESKMFAOPER01', { mfaRequired: true }),
  ];
}

export type SandboxState = {
  readonly dataDir: string;
  readonly seed: number;
  world: SandboxWorld;
  readonly ledger: readonly LedgerEntry[];
  findDuplicate(key: string): LedgerEntry | undefined;
  findByClientToken(token: string): LedgerEntry | undefined;
  /** Appends billed entries to the ledger file and indexes them; durable before it returns. */
  bill(entries: LedgerEntry[]): void;
  saveWorld(): void;
  credential(accessKeyId: string): SandboxCredential | undefined;
  credentials(): SandboxCredential[];
  addCredential(credential: SandboxCredential): void;
  role(roleArn: string): SandboxRole | undefined;
  roles(): SandboxRole[];
  /** Adds or replaces a role (by ARN); durable before it returns. */
  addRole(role: SandboxRole): void;
  /** Back to a fresh world for the seed, an empty ledger; keys and credentials stay. */
  reset(now: number): void;
};

/** `region`: the home region of a new world (an existing data folder keeps its own). */
type Options = { dataDir: string; seed: number; now: number; region?: string };

export function openState({ dataDir, seed, now, region }: Options): SandboxState {
  mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
  const worldPath = join(dataDir, WORLD_FILE);
  const ledgerPath = join(dataDir, LEDGER_FILE);
  const credentialsPath = join(dataDir, CREDENTIALS_FILE);

  let world: SandboxWorld;
  if (existsSync(worldPath)) {
    world = JSON.parse(readFileSync(worldPath, 'utf8')) as SandboxWorld;
  } else {
    world = createWorld(seed, now, region);
    writeFileAtomic(worldPath, JSON.stringify(world));
  }
  // The seed a data folder was created with wins over the option, so a restart is the same world.
  const worldSeed = world.seed;

  const ledger: LedgerEntry[] = [];
  const byKey = new Map<string, LedgerEntry>();
  const byClientToken = new Map<string, LedgerEntry>();
  const index = (entry: LedgerEntry): void => {
    ledger.push(entry);
    const key = dedupKeyOf(entry);
    if (!byKey.has(key)) byKey.set(key, entry);
    if (entry.clientToken !== undefined) byClientToken.set(entry.clientToken, entry);
  };
  if (existsSync(ledgerPath)) {
    for (const line of readFileSync(ledgerPath, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const entry = JSON.parse(line) as Partial<LedgerEntry>;
        // Entries from a single-region sandbox were all billed in its home region.
        index({ ...entry, region: entry.region ?? world.region } as LedgerEntry);
      } catch {
        // A torn last line from a crash mid-append: the call never got its answer either.
      }
    }
  }

  let credentialTable: SandboxCredential[];
  if (existsSync(credentialsPath)) {
    credentialTable = JSON.parse(readFileSync(credentialsPath, 'utf8')) as SandboxCredential[];
  } else {
    credentialTable = [sellerCredential(worldSeed, world.sellerAccountId)];
    writeFileAtomic(credentialsPath, JSON.stringify(credentialTable, null, 2));
  }
  const credentialsById = new Map(credentialTable.map((c) => [c.accessKeyId, c]));

  const rolesPath = join(dataDir, ROLES_FILE);
  let roleTable: SandboxRole[];
  if (existsSync(rolesPath)) {
    roleTable = JSON.parse(readFileSync(rolesPath, 'utf8')) as SandboxRole[];
  } else {
    roleTable = defaultRoles(world.sellerAccountId);
    writeFileAtomic(rolesPath, JSON.stringify(roleTable, null, 2));
  }
  const rolesByArn = new Map(roleTable.map((r) => [r.roleArn, r]));

  const state: SandboxState = {
    dataDir,
    seed: worldSeed,
    get world() {
      return world;
    },
    set world(next: SandboxWorld) {
      world = next;
    },
    ledger,
    findDuplicate: (key) => byKey.get(key),
    findByClientToken: (token) => byClientToken.get(token),
    bill(entries) {
      if (entries.length === 0) return;
      appendFileSync(ledgerPath, entries.map((e) => `${JSON.stringify(e)}\n`).join(''), {
        mode: FILE_MODE,
      });
      for (const entry of entries) index(entry);
    },
    saveWorld() {
      writeFileAtomic(worldPath, JSON.stringify(world));
    },
    credential: (accessKeyId) => credentialsById.get(accessKeyId),
    credentials: () => [...credentialsById.values()],
    addCredential(credential) {
      credentialsById.set(credential.accessKeyId, credential);
      writeFileAtomic(credentialsPath, JSON.stringify([...credentialsById.values()], null, 2));
    },
    role: (roleArn) => rolesByArn.get(roleArn),
    roles: () => [...rolesByArn.values()],
    addRole(role) {
      rolesByArn.set(role.roleArn, role);
      writeFileAtomic(rolesPath, JSON.stringify([...rolesByArn.values()], null, 2));
    },
    reset(resetNow) {
      world = createWorld(worldSeed, resetNow, world.region);
      writeFileAtomic(worldPath, JSON.stringify(world));
      writeFileAtomic(ledgerPath, '');
      ledger.length = 0;
      byKey.clear();
      byClientToken.clear();
    },
  };
  return state;
}
