// Running one Query-tab statement: an id per run so Cancel stops that run in main, the time
// it has been running, and its result or error.
import { useEffect, useRef, useState } from 'react';
import type { AuditSqlResult } from '../../../../shared/channels/audit-sql';
import { useAuditSql, useAuditSqlCancel } from '../../api/audit';

export function useQueryRunner() {
  const runner = useAuditSql();
  const canceller = useAuditSqlCancel();
  const current = useRef<string | null>(null);
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const [result, setResult] = useState<AuditSqlResult | null>(null);

  useEffect(() => {
    if (startedAt === null) return undefined;
    const timer = setInterval(
      () => setElapsed(Math.floor((performance.now() - startedAt) / 1000)),
      250,
    );
    return () => clearInterval(timer);
  }, [startedAt]);

  const run = (sql: string, timeoutSeconds: number, maxRows: number): void => {
    const queryId = crypto.randomUUID();
    current.current = queryId;
    setElapsed(0);
    setStartedAt(performance.now());
    runner.mutate(
      { sql, queryId, timeoutSeconds, maxRows },
      {
        onSuccess: (out) => {
          if (current.current === out.queryId) setResult(out);
        },
        onSettled: () => {
          if (current.current === queryId) setStartedAt(null);
        },
      },
    );
  };

  const cancel = (): void => {
    if (current.current !== null) canceller.mutate(current.current);
  };

  return {
    run,
    cancel,
    running: runner.isPending,
    elapsed,
    result: runner.isError ? null : result,
    error: runner.error,
  };
}
