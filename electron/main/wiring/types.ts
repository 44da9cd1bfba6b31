// What every area's wiring receives from the core, and what it gives back.
import type { EventBus } from '../../core/event-bus';
import type { Logger } from '../../core/logger';
import type { Handlers } from '../../core/router';
import type { Channel } from '../../../shared/contract';
import type { AwsClientFactory } from '../../adapters/aws/clients';
import type { RunningSandbox } from '../../sandbox';
import type { ConnectionsService } from '../../services/connections';
import type { Pacer } from '../../services/pacing';
import type { KeyValueStore } from '../../services/ports';
import type { SettingsService } from '../../services/settings';
import type { WorkerEntry } from '../../adapters/workers/start-worker';
import type { CsvImporter } from '../../services/metering/csv-import';
import type { SubmissionService } from '../../services/metering/submissions';

export type CoreDeps = {
  host: 'electron' | 'browser';
  dataDir: string;
  logger: Logger;
  bus: EventBus;
  settings: SettingsService;
  /** Persistent non-secret data (catalog, connections' public parts…), same store as settings. */
  store: KeyValueStore;
  connections: ConnectionsService;
  aws: AwsClientFactory;
  /**
   * The one client-side pacer of the app: AWS limits are per account, region and API whichever
   * screen makes the call, so every area waits in the same lanes.
   */
  pacer: Pacer;
  /** The built-in sandbox, when it started. Its admin API is for tests and the sandbox UI. */
  sandbox: RunningSandbox | null;
  /**
   * Runs CSV imports off the core's thread (a worker-thread adapter); absent, they run
   * in-process (unit tests).
   */
  csvImporter?: CsvImporter;
  /**
   * The CloudTrail ingest worker's code (built beside the entry): audit writes parse there.
   * Absent, they parse in-process (unit tests).
   */
  ingestWorker?: WorkerEntry;
  /** The OS user name, written into the journal with every submission. */
  osUser: string;
  now: () => number;
  /** The one submission service of the data folder (the journal's one writer). */
  submissions: SubmissionService;
};

export type AreaWiring<C extends Channel> = {
  handlers: Pick<Handlers, C>;
  /** Runs on shutdown, e.g. to finish a journal line or stop a sync. */
  close?: () => Promise<void>;
};
