// Wires the metering area's services to its channels.
// Input side (catalog, validation, CSV import, plan) first; the submission side adds its own
// handlers below, reading validated plans through `meteringInput.plans.get(planId)`.
import { randomUUID } from 'node:crypto';
import type { meteringChannels, meteringInputChannels } from '../../../shared/channels/metering';
import { AppError } from '../../../shared/errors';
import {
  createCatalogService,
  type CatalogService,
  type SandboxProductInfo,
} from '../../services/metering/catalog';
import { importUsageCsvParts } from '../../services/metering/csv-import';
import { csvTemplate } from '../../services/metering/csv-template';
import type { ImportDrafts } from '../../services/drafts/drafts';
import { createImportSessions, type ImportSource } from '../../services/metering/import-sessions';
import {
  createPlanService,
  noPlanChecks,
  type PlanCheckPort,
  type PlanService,
} from '../../services/metering/plan';
import {
  createValidateService,
  emptySentIndex,
  type SentRecordsIndex,
} from '../../services/metering/validate';
import type { RunningSandbox } from '../../sandbox';
import type { AreaWiring, CoreDeps } from './types';
import { journalSentIndex, planChecks, submitHandlers } from './metering-submit';

export type MeteringChannel = keyof typeof meteringChannels;
/** The input side's channels (the submission side's are in ./metering-submit). */
export type MeteringInputChannel = keyof typeof meteringInputChannels;

/** The sandbox's products from its admin API (GET /_sandbox/state). */
export async function fetchSandboxProducts(
  sandbox: Pick<RunningSandbox, 'endpoint' | 'adminToken'>,
): Promise<SandboxProductInfo[]> {
  const response = await fetch(`${sandbox.endpoint}/_sandbox/state`, {
    headers: { authorization: `Bearer ${sandbox.adminToken}` },
  });
  if (!response.ok) throw new Error(`sandbox state answered ${response.status}`);
  const body = (await response.json()) as { products?: SandboxProductInfo[] };
  return body.products ?? [];
}

export type MeteringInput = {
  catalog: CatalogService;
  plans: PlanService;
  importDrafts: ImportDrafts;
};

/** How often abandoned uploads and imports no screen keeps alive are looked for. */
const SWEEP_EVERY_MS = 60_000;

export function createMeteringInput(
  deps: CoreDeps,
  sentIndex: SentRecordsIndex = emptySentIndex,
  checks: PlanCheckPort = noPlanChecks,
): MeteringInput & {
  handlers: AreaWiring<MeteringInputChannel>['handlers'];
  close: () => void;
} {
  const sandbox = deps.sandbox;
  const catalog = createCatalogService({
    store: deps.store,
    sandboxActive: () => deps.connections.active()?.isSandbox === true,
    sandboxProducts: () => (sandbox ? fetchSandboxProducts(sandbox) : Promise.resolve(null)),
    onError: (message, error) => deps.logger.warn(`metering catalog: ${message}`, { error }),
  });
  const validation = createValidateService({
    products: catalog.products,
    sentIndex,
    now: deps.now,
  });
  const imports = createImportSessions({ newId: randomUUID, now: deps.now });
  const sweeper = setInterval(() => imports.sweep(), SWEEP_EVERY_MS);
  sweeper.unref();
  const runImport = deps.csvImporter ?? importUsageCsvParts;
  const plans = createPlanService({
    products: catalog.products,
    sentIndex,
    imports,
    now: deps.now,
    newId: randomUUID,
    checks,
    connection: () => {
      const active = deps.connections.active();
      if (!active) {
        throw new AppError('CREDENTIALS_MISSING', 'No connection is active.', {
          hint: 'Choose a connection in the top bar.',
        });
      }
      return { id: active.id, name: active.name, isSandbox: active.isSandbox };
    },
  });

  /** Reads a whole file into an import kept behind a handle; the first page of each list. */
  async function importText(source: ImportSource, pageSize = 200) {
    const { text, ...options } = source;
    const result = await runImport([text], {
      catalog: await catalog.products(),
      now: deps.now(),
      sentIndex,
      ...options,
    });
    const session = imports.keep(result, source);
    deps.logger.info('metering: csv imported', {
      rows: result.summary.fileRows,
      ready: result.summary.ready,
      review: result.summary.review,
      ms: result.summary.milliseconds,
    });
    return {
      status: 'done' as const,
      summary: { ...result.summary, handle: session.handle },
      review: imports.page(session.handle, 'review', 0, pageSize).rows,
      ready: imports.page(session.handle, 'ready', 0, pageSize).rows,
    };
  }
  /** Open imports as drafts see them: the file behind a handle, and reading one again. */
  const importDrafts: ImportDrafts = {
    source: (handle) =>
      imports.keepAlive([handle]).alive.length > 0 ? imports.get(handle).source : undefined,
    reopen: (source) => importText(source),
  };

  const handlers: AreaWiring<MeteringInputChannel>['handlers'] = {
    'metering:catalog-list': () => catalog.list(),
    'metering:catalog-save': ({ products }) => catalog.save(products),
    'metering:catalog-import': ({ text, mode }) => catalog.importJson(text, mode),
    'metering:catalog-export': () => catalog.exportJson(),
    'metering:validate': ({ records, operation }) => validation.validate(records, operation),
    'metering:csv-template': async ({ productId }) => {
      const products = await catalog.products();
      const product =
        productId === undefined ? products[0] : products.find((p) => p.id === productId);
      if (productId !== undefined && !product) {
        throw new AppError('NOT_FOUND', `Product "${productId}" is not in the catalog.`);
      }
      return csvTemplate(product, deps.now());
    },
    'metering:import-csv': async (input) => {
      if (input.more === true) {
        const { uploadId, chars } = imports.append(input.uploadId, input.text);
        return { status: 'partial' as const, uploadId, receivedChars: chars };
      }
      const text = imports.take(input.uploadId, input.text).join('');
      return importText(
        {
          text,
          aggregate: input.aggregate,
          ...(input.defaultProductId !== undefined
            ? { defaultProductId: input.defaultProductId }
            : {}),
          ...(input.fileName !== undefined ? { fileName: input.fileName } : {}),
          ...(input.zone !== undefined ? { zone: input.zone } : {}),
        },
        input.pageSize,
      );
    },
    'metering:import-rows': ({ handle, offset, limit, filter }) =>
      imports.page(handle, filter, offset, limit),
    'metering:import-keep': ({ handles }) => imports.keepAlive(handles),
    'metering:import-close': ({ handle }) => imports.close(handle),
    'metering:import-collisions': ({ handle, keys }) => imports.collisions(handle, keys),
    'metering:plan': (input) => plans.plan(input),
  };
  return { catalog, plans, importDrafts, handlers, close: () => clearInterval(sweeper) };
}

export function wireMetering(
  deps: CoreDeps,
): AreaWiring<MeteringChannel> & { importDrafts: ImportDrafts } {
  // The journal's index of sent records (recordKey → quantity), so the editor flags would-be
  // DuplicateRecords.
  const input = createMeteringInput(deps, journalSentIndex(deps), planChecks(deps));
  // Submission side: submit, cancel, resume, status.
  const submission = submitHandlers(deps, input);
  return {
    handlers: { ...input.handlers, ...submission },
    importDrafts: input.importDrafts,
    close: () => Promise.resolve(input.close()),
  };
}
