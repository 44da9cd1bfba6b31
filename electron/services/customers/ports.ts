// What the customers service needs from the world, as ports, and the service it offers.
import type {
  BulkStatus,
  ProductMatch,
  ResolutionEntry,
  ResolveResult,
  ResolvedCustomer,
} from '../../../shared/channels/customers';
import type { ConnectionSummary, TaskProgress } from '../../../shared/contract';
import type { AwsTarget } from '../connections';
import type { Pacer } from '../pacing';
import type { CredentialsCheck } from './explain-failure';

/** Calls ResolveCustomer; throws an AppError from the one AWS error mapper on failure. */
export type ResolveCustomerPort = (target: AwsTarget, token: string) => Promise<ResolvedCustomer>;

/** Another call on the same credentials (STS GetCallerIdentity); never throws. */
export type CredentialsCheckPort = (target: AwsTarget) => Promise<CredentialsCheck>;

export type ResolutionHistoryStore = {
  append: (entry: ResolutionEntry) => void;
  /** Oldest first. */
  list: () => readonly ResolutionEntry[];
  /** Forgets every entry (on disk too); answers how many there were. */
  clear: () => number;
};

export type ProductLookup = (
  connection: ConnectionSummary,
  productCode: string,
) => Promise<ProductMatch>;

export type CustomersDeps = {
  connections: {
    active: () => ConnectionSummary | null;
    target: (id: string, region?: string) => AwsTarget;
  };
  resolveCustomer: ResolveCustomerPort;
  /** Tells an expired registration token from expired credentials (ExpiredTokenException). */
  checkCredentials?: CredentialsCheckPort;
  history: ResolutionHistoryStore;
  products: ProductLookup;
  pacer: Pacer;
  emitProgress: (progress: TaskProgress) => void;
  now: () => number;
  newId: () => string;
  /** Calls in flight during a bulk run (the pacer still caps the rate). Default 4. */
  bulkConcurrency?: number;
};

export type CustomersService = {
  resolve: (pasted: string) => Promise<ResolveResult>;
  history: (limit?: number) => { entries: ResolutionEntry[]; total: number };
  /** Empties the history; `confirm` must be exactly "CLEAR" (VALIDATION otherwise). */
  clearHistory: (confirm: string) => { removed: number };
  bulkStart: (text: string) => BulkStatus;
  bulkStatus: (taskId: string, from?: number) => BulkStatus;
  bulkCancel: (taskId: string) => BulkStatus;
  /** Resolves when every bulk run has stopped (shutdown, tests). */
  close: () => Promise<void>;
};
