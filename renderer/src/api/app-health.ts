// The app's own health: report a renderer failure to main's log, and read what start-up had to
// repair. Reporting never throws: it runs while something else has already gone wrong.
import { useQuery } from '@tanstack/react-query';
import type { RendererError } from '../../../shared/channels/app-health';
import { callChannel } from './bridge';
import { request } from './queries';

const MAX_REPORTS_PER_PAGE = 20;
let reportsSent = 0;

function clip(text: string | undefined, max: number): string | undefined {
  return text === undefined ? undefined : text.slice(0, max);
}

/** Sends one failure to main's log; resolves to the log file's path, or null if it could not. */
export async function reportRendererError(
  source: RendererError['source'],
  error: unknown,
  componentStack?: string | null,
): Promise<string | null> {
  if (reportsSent >= MAX_REPORTS_PER_PAGE) return null;
  reportsSent += 1;
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error ? error.stack : undefined;
  const report: RendererError = { source, message: clip(message, 2_000) ?? '' };
  const clippedStack = clip(stack, 20_000);
  if (clippedStack !== undefined) report.stack = clippedStack;
  const clippedComponents = clip(componentStack ?? undefined, 20_000);
  if (clippedComponents !== undefined) report.componentStack = clippedComponents;
  const result = await callChannel('app:report-error', report);
  return result.ok ? result.value.logFile : null;
}

/** Reports uncaught errors and unhandled rejections of this window to main's log. */
export function reportUncaughtErrors(target: Window = window): void {
  target.addEventListener('error', (event) => {
    void reportRendererError('window', event.error ?? event.message);
  });
  target.addEventListener('unhandledrejection', (event) => {
    void reportRendererError('promise', event.reason);
  });
}

export function useStartupNotices() {
  return useQuery({
    queryKey: ['app:notices'],
    queryFn: () => request('app:notices', {}),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
