// Channels for the app's own health: a renderer that failed reports it to main's log (the
// recovery view then shows where that log is), and main tells the renderer what it had to
// repair at start (e.g. a damaged settings file set aside) so a banner can say so.
import { z } from 'zod';
import type { ChannelTable } from './table';

export const rendererErrorSchema = z
  .object({
    /** Where the failure surfaced: a render, loading the app, an uncaught error, a rejection. */
    source: z.enum(['render', 'load', 'window', 'promise']),
    message: z.string().max(2_000),
    stack: z.string().max(20_000).optional(),
    componentStack: z.string().max(20_000).optional(),
  })
  .strict();
export type RendererError = z.infer<typeof rendererErrorSchema>;

export const reportErrorOutputSchema = z.object({
  /** The log file the report went to, for the user to send to whoever helps them. */
  logFile: z.string(),
});

export const startupNoticeSchema = z.object({
  kind: z.enum(['settings-reset']),
  message: z.string(),
  /** The damaged file's new name, kept for whoever wants to look into it. */
  movedTo: z.string().optional(),
});
export type StartupNotice = z.infer<typeof startupNoticeSchema>;

export const appHealthChannels = {
  'app:report-error': { input: rendererErrorSchema, output: reportErrorOutputSchema },
  'app:notices': {
    input: z.object({}).strict(),
    output: z.object({ notices: z.array(startupNoticeSchema) }),
  },
} as const satisfies ChannelTable;
