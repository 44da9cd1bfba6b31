// Wires the services behind the router. Both composition roots (index.ts for Electron,
// browser.ts for the browser host) call this with the adapters they created.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import packageJson from '../../package.json';
import { createEventBus, type EventBus } from '../core/event-bus';
import type { Logger } from '../core/logger';
import { createRouter, type Router } from '../core/router';
import { startSandbox, type RunningSandbox } from '../sandbox';
import { createConnectionsService, type SandboxEndpoint } from '../services/connections';
import { createMfaPrompts } from '../services/mfa-prompts';
import type { Settings } from '../../shared/contract';
import type { StartupNotice } from '../../shared/channels/app-health';
import type { KeyValueStore, SecretStore } from '../services/ports';
import { createCredentialSources } from '../adapters/aws/credentials';
import { createProfileSource, type AwsEnv } from '../adapters/aws/profiles';
import { createRefusingSecretStore } from '../adapters/secrets/refusing';
import { createSettingsService } from '../services/settings';
import { createAwsClientFactory } from '../adapters/aws/clients';
import { createPacer, realTime } from '../adapters/aws/pacer';
import { logFilePath } from '../adapters/file-logger';
import { ensurePrivateDir } from '../adapters/private-files';
import { acquireDataFolderLock } from '../adapters/storage/data-folder-lock';
import { wireAppHealth } from './wiring/app-health';
import { createWorkerCsvImporter } from '../adapters/workers/import-runner';
import { importUsageCsvParts } from '../services/metering/csv-import';
import type { WorkerEntry } from '../adapters/workers/start-worker';
import { wireAudit, type AuditWiringOptions } from './wiring/audit';
import { wireConnections } from './wiring/connections';
import { wireContainers } from './wiring/containers';
import { wireCorrections, type CorrectionsWiringOptions } from './wiring/corrections';
import { wireCustomerDirectory } from './wiring/customer-directory';
import { wireCustomers } from './wiring/customers';
import { wireDrafts } from './wiring/drafts';
import { wireJournal } from './wiring/journal';
import { wireMetering } from './wiring/metering';
import { wireSubmissions } from './wiring/submission';
import type { CoreDeps } from './wiring/types';

export type CoreOptions = {
  /** The CSV import worker's code (built beside the entry); absent, imports run in-process. */
  importWorker?: WorkerEntry;
  /** The CloudTrail ingest worker's code (built beside the entry); absent, audit writes parse in-process. */
  ingestWorker?: WorkerEntry;
  host: 'electron' | 'browser';
  dataDir: string;
  settingsStore: KeyValueStore;
  logger: Logger;
  /** How many events of CloudTrail history the built-in sandbox seeds on first run. */
  sandboxHistoryEvents?: number;
  /** Where pasted keys are kept; absent = nowhere (keys are then usable for one run only). */
  secrets?: SecretStore;
  /** Environment for finding the AWS config files (AWS_CONFIG_FILE…); default process.env. */
  awsEnv?: AwsEnv;
  /** Wall clock (epoch ms); tests move it to pass grace periods. Default Date.now. */
  now?: () => number;
  /** Tests: hooks into the audit area (e.g. counting LookupEvents calls). */
  audit?: AuditWiringOptions;
  /** Tests: hooks into the corrections area (e.g. losing an Agreement API answer). */
  corrections?: CorrectionsWiringOptions;
  /** Tests: a sandbox already running (its admin API in the test's hands) instead of the built-in one. */
  sandbox?: RunningSandbox;
  /** What start-up repaired (e.g. a damaged settings file set aside), for the renderer's banner. */
  notices?: readonly StartupNotice[];
  /** Where the logger writes; default <data>/logs/meterdesk.log. */
  logFile?: string;
};

export type Core = {
  router: Router;
  bus: EventBus;
  /** Current settings, for the host itself (e.g. the window's first-paint background). */
  settings: () => Settings;
  close: () => Promise<void>;
};

function currentOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

export async function startCore(options: CoreOptions): Promise<Core> {
  const { dataDir } = options;
  const now = options.now ?? Date.now;
  ensurePrivateDir(dataDir);
  // One writer per data folder: a second instance stops here, naming the one that holds it.
  const folderLock = acquireDataFolderLock(
    dataDir,
    options.host === 'electron' ? 'desktop app' : 'browser host',
    { now },
  );
  try {
    return await startCoreHolding(options, now, () => folderLock.release());
  } catch (error) {
    folderLock.release();
    throw error;
  }
}

async function startCoreHolding(
  options: CoreOptions,
  now: () => number,
  releaseFolder: () => void,
): Promise<Core> {
  const { dataDir, logger } = options;
  const bus = createEventBus();
  const settings = createSettingsService(options.settingsStore, (next) =>
    bus.emit('settings:changed', next),
  );

  let sandbox: RunningSandbox | null = null;
  let sandboxEndpoint: SandboxEndpoint | null = null;
  try {
    sandbox =
      options.sandbox ??
      (await startSandbox({
        dataDir: join(dataDir, 'sandbox'),
        port: 0,
        historyEvents: options.sandboxHistoryEvents ?? 5_000,
        now,
      }));
    sandboxEndpoint = {
      endpoint: sandbox.endpoint,
      region: sandbox.region,
      regions: sandbox.regions,
      accountId: sandbox.accountId,
      accessKeyId: sandbox.accessKeyId,
      secretAccessKey: sandbox.secretAccessKey,
    };
    logger.info('sandbox started', { endpoint: sandbox.endpoint });
  } catch (error: unknown) {
    logger.error('sandbox failed to start', { error });
  }

  const profiles = await createProfileSource({
    ...(options.awsEnv === undefined ? {} : { env: options.awsEnv }),
    onChange: () => bus.emit('connections:changed', { reason: 'profiles' }),
  });
  const connections = createConnectionsService({
    sandbox: () => sandboxEndpoint,
    settings,
    store: options.settingsStore,
    secrets: options.secrets ?? createRefusingSecretStore(),
    profiles,
    credentials: createCredentialSources(),
    mfa: createMfaPrompts({
      onRequest: (request) => bus.emit('connections:mfaRequired', request),
      onSettled: (requestId) => bus.emit('connections:mfaSettled', { requestId }),
      newId: () => randomUUID(),
    }),
    // Credential expiry is judged by the real wall clock, as the SDK and STS judge it.
    now: Date.now,
    onChange: () => bus.emit('connections:changed', { reason: 'connections' }),
  });

  const base: Omit<CoreDeps, 'submissions'> = {
    host: options.host,
    dataDir,
    logger,
    bus,
    settings,
    store: options.settingsStore,
    connections,
    aws: createAwsClientFactory(),
    pacer: createPacer(realTime),
    ...(options.importWorker
      ? {
          csvImporter: createWorkerCsvImporter(options.importWorker, {
            fallback: importUsageCsvParts,
            onFallback: (reason) =>
              logger.warn('metering: import worker could not start; importing in-process', {
                reason,
              }),
          }),
        }
      : {}),
    ...(options.ingestWorker ? { ingestWorker: options.ingestWorker } : {}),
    sandbox,
    osUser: currentOsUser(),
    now,
  };
  const submissionArea = wireSubmissions(base);
  const deps: CoreDeps = { ...base, submissions: submissionArea.service };
  const connectionsArea = wireConnections(deps, { profiles });
  const meteringArea = wireMetering(deps);
  const draftsArea = wireDrafts(deps, meteringArea.importDrafts);
  const customersArea = wireCustomers(deps);
  const containersArea = wireContainers(deps);
  const auditArea = wireAudit(deps, options.audit);
  const directoryArea = wireCustomerDirectory(deps, {
    history: async () => {
      const { entries } = await customersArea.handlers['customers:history'](
        { limit: 10_000 },
        { host: options.host },
      );
      return entries;
    },
    audit: {
      query: async (input) => auditArea.handlers['audit:query'](input, { host: options.host }),
      raw: async (eventId) => auditArea.handlers['audit:raw']({ eventId }, { host: options.host }),
    },
  });
  const journalArea = wireJournal(deps, submissionArea.journalPath);
  deps.submissions.useBilledLookup(auditArea.billed);
  const correctionsArea = wireCorrections(
    deps,
    { audit: auditArea.handlers, customers: customersArea.handlers },
    options.corrections,
  );
  const appHealthArea = wireAppHealth(deps, {
    logFile: options.logFile ?? logFilePath(dataDir),
    notices: options.notices ?? [],
  });
  const areas = [
    submissionArea,
    correctionsArea,
    connectionsArea,
    meteringArea,
    customersArea,
    containersArea,
    auditArea,
    journalArea,
  ];

  const router = createRouter(
    {
      ...connectionsArea.handlers,
      ...meteringArea.handlers,
      ...draftsArea.handlers,
      ...customersArea.handlers,
      ...directoryArea.handlers,
      ...containersArea.handlers,
      ...auditArea.handlers,
      ...journalArea.handlers,
      ...correctionsArea.handlers,
      ...appHealthArea.handlers,
      'app:info': () => ({
        name: 'Meterdesk',
        version: packageJson.version,
        dataFolder: dataDir,
        host: options.host,
        platform: process.platform,
        activeConnection: connections.active(),
      }),
      'settings:get': () => settings.get(),
      'settings:set': (patch) => {
        if (patch.activeConnectionId !== undefined) connections.get(patch.activeConnectionId);
        if (patch.activeRegion !== undefined && patch.activeRegion !== '') {
          const id = patch.activeConnectionId ?? settings.get().activeConnectionId;
          connections.activate(id, patch.activeRegion);
        }
        return settings.set(patch);
      },
    },
    logger,
  );

  return {
    router,
    bus,
    settings: () => settings.get(),
    close: async () => {
      await Promise.allSettled(areas.map((area) => area.close?.() ?? Promise.resolve()));
      // A sandbox handed in by a test is the test's to close.
      if (options.sandbox === undefined) await sandbox?.close();
      releaseFolder();
    },
  };
}
