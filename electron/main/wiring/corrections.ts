// Wires the corrections area: the Agreement API adapter (one client per connection, from the
// client factory, paced by the app's pacer), the journal this data folder's submissions use, the
// audit area's queries, the catalog, the metering engine for top-ups, the billing guard and the
// case files under <data>/corrections.
import { randomUUID } from 'node:crypto';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { MarketplaceAgreementClient } from '@aws-sdk/client-marketplace-agreement';
import type { correctionsChannels } from '../../../shared/channels/corrections';
import { AppError } from '../../../shared/errors';
import type { Handlers } from '../../core/router';
import { createAgreementApi } from '../../adapters/aws/agreement-api';
import { AGREEMENT_REGION } from '../../adapters/aws/clients';
import { mapAwsError } from '../../adapters/aws/error-map';
import { createCorrectionCaseFiles } from '../../adapters/storage/correction-cases';
import { createAuditSource } from '../../services/corrections/audit-source';
import { knownCustomers } from '../../services/corrections/known-customers';
import type {
  ActiveConnection,
  AdjustmentIntent,
  AgreementApi,
  BillingGuard,
  CorrectionsJournal,
} from '../../services/corrections/ports';
import { REFUNDS_PER_CALL } from '../../services/corrections/refunds';
import { createCorrectionsService } from '../../services/corrections/service';
import { createCatalogService } from '../../services/metering/catalog';
import { billingConfirmationRequired } from '../../../shared/billing-confirmation';
import { totalsOf } from '../../services/billing/guard';
import { createBillingGuard } from './billing-guard';
import { sandboxAdminFor } from './customers';
import { fetchSandboxProducts } from './metering';
import type { AreaWiring, CoreDeps } from './types';

export type CorrectionsChannel = keyof typeof correctionsChannels;

/** What the corrections area reads from the other areas' handlers. */
export type CorrectionsNeighbours = {
  audit: Pick<Handlers, 'audit:query' | 'audit:raw' | 'audit:completeness'>;
  customers: Pick<Handlers, 'customers:history'>;
};

export type CorrectionsWiringOptions = {
  /** Tests: wrap the Agreement API port (e.g. to lose an answer after AWS applied the call). */
  wrapAgreements?: (api: AgreementApi) => AgreementApi;
};

export function wireCorrections(
  deps: CoreDeps,
  neighbours: CorrectionsNeighbours,
  options: CorrectionsWiringOptions = {},
): AreaWiring<CorrectionsChannel> {
  const area = deps.submissions;
  const ctx = { host: deps.host } as const;
  const catalog = createCatalogService({
    store: deps.store,
    sandboxActive: () => deps.connections.active()?.isSandbox === true,
    sandboxProducts: () =>
      deps.sandbox ? fetchSandboxProducts(deps.sandbox) : Promise.resolve(null),
  });

  async function connection(): Promise<ActiveConnection> {
    const active = deps.connections.active();
    if (!active) {
      throw new AppError('CREDENTIALS_MISSING', 'No connection is active.', {
        hint: 'Choose a connection in the top bar.',
      });
    }
    let accountId = active.accountId;
    if (accountId === undefined) {
      const target = deps.connections.target(active.id, active.region);
      const sts = deps.aws.sts(target);
      try {
        const who = await sts.send(new GetCallerIdentityCommand({}));
        if (who.Account === undefined || who.Arn === undefined) {
          throw new AppError('INTERNAL', 'STS did not say which account this connection reaches.');
        }
        accountId = who.Account;
        deps.connections.recordIdentity(active.id, { accountId: who.Account, arn: who.Arn });
      } catch (error) {
        throw mapAwsError(error, { operation: 'GetCallerIdentity', region: active.region });
      } finally {
        sts.destroy();
      }
    }
    return {
      id: active.id,
      name: active.name,
      accountId,
      region: active.region,
      isSandbox: active.isSandbox,
    };
  }

  // One Agreement client per connection, replaced when the active connection changes.
  let client: { key: string; client: MarketplaceAgreementClient; api: AgreementApi } | undefined;
  function agreements(): AgreementApi {
    const active = deps.connections.active();
    if (!active) throw new AppError('CREDENTIALS_MISSING', 'No connection is active.');
    const key = `${active.id}\n${active.accountId ?? ''}`;
    if (client?.key !== key) {
      client?.client.destroy();
      const target = deps.connections.target(active.id, AGREEMENT_REGION);
      const created = deps.aws.agreement(target);
      const api = createAgreementApi({
        client: created,
        pacer: deps.pacer,
        accountId: active.accountId ?? active.id,
        ...(target.profile === undefined ? {} : { profile: target.profile }),
      });
      client = {
        key,
        client: created,
        api: options.wrapAgreements ? options.wrapAgreements(api) : api,
      };
    }
    return client.api;
  }

  const journal: CorrectionsJournal = {
    async intent(scope, intent) {
      await area.journal.append({
        kind: 'adjustment-intent',
        caseId: intent.caseId,
        entryId: intent.entryId,
        context: { ...scope, connectionName: (await connection()).name, osUser: deps.osUser },
        request: intent.request,
      });
    },
    async outcome(scope, outcome) {
      await area.journal.append({
        kind: 'adjustment-outcome',
        ...outcome,
        context: { ...scope, connectionName: (await connection()).name, osUser: deps.osUser },
      });
    },
    async unanswered(caseId) {
      const answered = new Set<string>();
      const intents = new Map<string, AdjustmentIntent>();
      for (const line of await area.journal.entries()) {
        if (line.kind === 'adjustment-intent' && line.caseId === caseId) {
          intents.set(line.entryId, {
            caseId: line.caseId,
            entryId: line.entryId,
            request: {
              ...line.request,
              adjustmentReasonCode: 'INCORRECT_METERING',
              description: line.request.description ?? '',
            },
          });
          answered.delete(line.entryId);
        } else if (line.kind === 'adjustment-outcome' && line.caseId === caseId) {
          answered.add(line.entryId);
        }
      }
      return [...intents.values()].filter((i) => !answered.has(i.entryId));
    },
    rows: async () => (await area.index()).rows,
  };

  const audit = createAuditSource(
    {
      query: (input) => Promise.resolve(neighbours.audit['audit:query'](input, ctx)),
      raw: (eventId) => Promise.resolve(neighbours.audit['audit:raw']({ eventId }, ctx)),
      completeness: (days) =>
        Promise.resolve(neighbours.audit['audit:completeness']({ days }, ctx)),
    },
    { region: () => deps.connections.activeRegion(), now: deps.now },
  );

  // Sending is money: the app's one billing guard, with the case's exact actions as the plan.
  const billingGuard = createBillingGuard(deps);
  const guard: BillingGuard = {
    required: (c) => billingConfirmationRequired(c),
    async check(plan, confirmation) {
      const target = await billingGuard.target(plan.connection.id, plan.connection.region);
      billingGuard.require(
        {
          kind: 'billing-adjustment',
          action: plan.action,
          target,
          records: plan.topUps.length + plan.refunds.length,
          calls:
            (plan.topUps.length > 0 ? 1 : 0) + Math.ceil(plan.refunds.length / REFUNDS_PER_CALL),
          totals: totalsOf(
            plan.topUps.map((r) => ({
              group: 'Top-up',
              dimension: plan.dimension,
              quantity: r.quantity,
            })),
          ),
          amounts: plan.refunds.map((r) => ({
            label: `Refund on invoice ${r.invoiceId} (${String(r.units)} units of ${plan.dimension})`,
            amount: r.amount,
            currency: r.currencyCode,
          })),
          content: { caseId: plan.caseId, topUps: plan.topUps, refunds: plan.refunds },
        },
        confirmation,
      );
    },
  };

  const service = createCorrectionsService({
    agreements,
    journal,
    audit,
    customers: {
      known: async () => {
        const active = deps.connections.active();
        const world =
          active?.isSandbox === true && deps.sandbox !== null
            ? await sandboxAdminFor(deps).world()
            : null;
        const history = await neighbours.customers['customers:history']({ limit: 10_000 }, ctx);
        return knownCustomers({
          sandbox: world,
          resolved: history.entries.flatMap((e) => (e.customer ? [e.customer] : [])),
          journalRows: (await area.index()).rows,
        });
      },
    },
    products: () => catalog.products(),
    connection,
    topUps: {
      // The corrections service required the billing guard for exactly these top-ups already.
      submit: async (records) =>
        area.submitRecords('BatchMeterUsage', records, await catalog.products(), {
          alreadyGuarded: true,
        }),
      running: (submissionId) => area.running().includes(submissionId),
    },
    guard,
    cases: createCorrectionCaseFiles(deps.dataDir),
    now: deps.now,
    newId: randomUUID,
    osUser: deps.osUser,
    onChanged: (caseId) => deps.bus.emit('corrections:changed', { caseId }),
  });

  return {
    handlers: {
      'corrections:list': async () => ({ cases: await service.list() }),
      'corrections:customers': async (input) => ({
        customers: await service.customers(input.query),
      }),
      'corrections:open': (input) => service.open(input),
      'corrections:get': (input) => service.get(input.caseId),
      'corrections:set-usage': (input) => service.setUsage(input.caseId, input.lines),
      'corrections:parse-usage': (input) => service.parseUsage(input.caseId, input.text),
      'corrections:send': (input) =>
        service.send(input.caseId, input.proposalId, input.confirmation),
      'corrections:resume': (input) => service.resume(input.caseId, input.confirmation),
      'corrections:export': async (input) => ({ files: await service.exportRecord(input.caseId) }),
      'corrections:sandbox-close-period': async () => {
        const closed = await sandboxAdminFor(deps).closePeriod();
        return { period: closed.period, invoices: closed.invoices.length };
      },
    },
    close: () => {
      client?.client.destroy();
      return Promise.resolve();
    },
  };
}
