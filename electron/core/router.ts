// Transport-agnostic router: validates every input against the contract before a handler sees
// it, and turns every failure into a Result error so no exception crosses the bridge.
import type { z } from 'zod';
import {
  contract,
  isChannel,
  type Channel,
  type ChannelOutput,
  type Contract,
} from '../../shared/contract';
import { AppError, type AppErrorShape } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';
import type { Logger } from './logger';

export type CallContext = {
  /** Which host delivered the call; services must not depend on it for correctness. */
  host: 'electron' | 'browser' | 'test';
};

export type ParsedInput<C extends Channel> = z.output<Contract[C]['input']>;

export type Handlers = {
  [C in Channel]: (
    input: ParsedInput<C>,
    ctx: CallContext,
  ) => Promise<ChannelOutput<C>> | ChannelOutput<C>;
};

export type Router = {
  call: (channel: string, input: unknown, ctx: CallContext) => Promise<Result<unknown>>;
};

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.');
}

export function validationError(error: z.ZodError, prefix = ''): AppErrorShape {
  const issues = error.issues.map((issue) => ({
    path: prefix + issuePath(issue.path),
    message: issue.message,
  }));
  const first = issues[0];
  const where = first && first.path !== '' ? `${first.path}: ` : '';
  return {
    code: 'VALIDATION',
    message: first ? `${where}${first.message}` : 'Invalid input',
    details: { issues },
  };
}

export function createRouter(handlers: Handlers, logger: Logger): Router {
  async function call(channel: string, input: unknown, ctx: CallContext): Promise<Result<unknown>> {
    if (!isChannel(channel)) {
      return err({ code: 'UNKNOWN_CHANNEL', message: `Unknown channel "${channel}"` });
    }
    const spec = contract[channel];
    // No input at all means an empty object (channels without input); an explicit null does not.
    const parsed = spec.input.safeParse(input === undefined ? {} : input);
    if (!parsed.success) return err(validationError(parsed.error));
    try {
      const handler = handlers[channel] as (value: unknown, context: CallContext) => unknown;
      const value = await handler(parsed.data, ctx);
      // Checking our own output keeps the contract honest for every caller, scripts included.
      const checked = spec.output.safeParse(value);
      if (!checked.success) {
        logger.error(`router: ${channel} produced output that breaks the contract`, {
          issues: checked.error.issues.slice(0, 5),
        });
        return err({ code: 'INTERNAL', message: 'The app produced an unexpected answer.' });
      }
      return ok(checked.data);
    } catch (caught: unknown) {
      if (caught instanceof AppError) return err(caught.toShape());
      logger.error(`router: ${channel} failed`, { error: caught });
      return err({
        code: 'INTERNAL',
        message: 'Something went wrong inside Meterdesk. The details are in the app log.',
      });
    }
  }
  return { call };
}
