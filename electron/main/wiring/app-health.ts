// Wires the app-health channels: renderer failures go to the log (rate-limited, so a render
// loop cannot fill the disk), and the notices of what start-up had to repair.
import type { appHealthChannels, StartupNotice } from '../../../shared/channels/app-health';
import { createLogLimiter } from '../../core/log-limiter';
import type { AreaWiring, CoreDeps } from './types';

export type AppHealthChannel = keyof typeof appHealthChannels;

export function wireAppHealth(
  deps: CoreDeps,
  options: { logFile: string; notices: readonly StartupNotice[] },
): AreaWiring<AppHealthChannel> {
  const limiter = createLogLimiter({ limit: 20, windowMs: 60_000, now: deps.now });
  return {
    handlers: {
      'app:report-error': (report) => {
        const admitted = limiter.admit('renderer');
        if (admitted) {
          deps.logger.error(`renderer: ${report.source} error`, {
            message: report.message,
            ...(report.stack === undefined ? {} : { stack: report.stack }),
            ...(report.componentStack === undefined
              ? {}
              : { componentStack: report.componentStack }),
            ...(admitted.suppressed > 0 ? { suppressedBefore: admitted.suppressed } : {}),
          });
        }
        return { logFile: options.logFile };
      },
      'app:notices': () => ({ notices: [...options.notices] }),
    },
  };
}
