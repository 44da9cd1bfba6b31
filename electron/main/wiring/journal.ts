// Wires the journal area's services to its channels: query, one submission, export, verify,
// interrupted submissions and the sent-records index. Reads the same journal the submission
// engine writes (one writer per data folder, see ./submission).
import type { journalChannels } from '../../../shared/channels/journal';
import { AppError } from '../../../shared/errors';
import {
  billingTotals,
  facets,
  filterRows,
  publicRow,
  sentIndex,
  submissionDetail,
  toCsv,
} from '../../services/journal/query';
import type { AreaWiring, CoreDeps } from './types';

export type JournalChannel = keyof typeof journalChannels;

export function wireJournal(deps: CoreDeps, journalPath: string): AreaWiring<JournalChannel> {
  const area = deps.submissions;
  return {
    handlers: {
      'journal:query': async ({ filter, offset, limit }) => {
        const index = await area.index();
        const rows = filterRows(index.rows, filter);
        return {
          total: rows.length,
          rows: rows.slice(offset, offset + limit).map(publicRow),
          billing: billingTotals(rows),
          facets: facets(index.rows),
        };
      },
      'journal:submission': async ({ submissionId }) => {
        const detail = submissionDetail(
          await area.index(),
          submissionId,
          area.running().includes(submissionId),
        );
        if (!detail)
          throw new AppError('NOT_FOUND', `No submission ${submissionId} in the journal.`);
        return detail;
      },
      'journal:export': async ({ filter, format }) => {
        const rows = filterRows((await area.index()).rows, filter).map(publicRow);
        const stamp = new Date(deps.now()).toISOString().replace(/[:.]/g, '-').slice(0, 19);
        return format === 'csv'
          ? {
              fileName: `meterdesk-journal-${stamp}.csv`,
              mimeType: 'text/csv;charset=utf-8',
              text: toCsv(rows),
              rows: rows.length,
            }
          : {
              fileName: `meterdesk-journal-${stamp}.json`,
              mimeType: 'application/json',
              text: `${JSON.stringify(rows, null, 2)}\n`,
              rows: rows.length,
            };
      },
      'journal:verify': async () => ({
        report: await area.journal.verify(),
        path: journalPath,
        checkedAt: new Date(deps.now()).toISOString(),
      }),
      'journal:archive-restart': async () => {
        const archived = await area.archiveJournal();
        deps.logger.warn('journal: a damaged journal was archived and a new one started', {
          ...archived,
        });
        return { archived };
      },
      'journal:interrupted': async () => {
        const running = new Set(area.running());
        const list = await area.journal.interruptedSubmissions();
        return {
          submissions: list
            .filter((s) => !running.has(s.submissionId))
            .map((s) => {
              const byState: Record<string, number> = {};
              for (const u of s.unresolved) {
                const state = u.parked === true ? 'Parked' : u.lastStatus;
                byState[state] = (byState[state] ?? 0) + 1;
              }
              return {
                submissionId: s.submissionId,
                ending: s.ending,
                ...(s.operation === undefined ? {} : { operation: s.operation }),
                context: s.context,
                ...(s.startedAt === undefined ? {} : { startedAt: s.startedAt }),
                ...(s.resendOf === undefined ? {} : { resendOf: s.resendOf }),
                ...(s.totalRecords === undefined ? {} : { totalRecords: s.totalRecords }),
                resolvedCount: s.resolvedCount,
                unresolvedCount: s.unresolved.length,
                unresolvedByState: byState,
                unjournaledRecords: s.unjournaledRecords,
              };
            }),
        };
      },
      'journal:sent-index': async ({ keys, connectionId }) => {
        const connection =
          connectionId === undefined
            ? deps.connections.active()
            : deps.connections.get(connectionId);
        if (!connection) return { entries: [] };
        const sent = sentIndex((await area.index()).rows, {
          account: connection.accountId ?? '',
          region: connection.region,
        });
        return { entries: keys.flatMap((key) => sent.get(key) ?? []) };
      },
    },
  };
}
