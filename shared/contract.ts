// The one contract between the renderer and the main process: every channel with its
// input and output schema, and every event main may push. Types come from z.infer.
import { z } from 'zod';
import type { Result } from './result';
import { appHealthChannels } from './channels/app-health';
import { auditChannels, auditEvents } from './channels/audit';
import { auditSqlChannels } from './channels/audit-sql';
import { connectionsChannels, connectionsEvents } from './channels/connections';
import { containersChannels, containersEvents } from './channels/containers';
import { correctionsChannels, correctionsEvents } from './channels/corrections';
import { customerDirectoryChannels } from './channels/customer-directory';
import { customersChannels, customersEvents } from './channels/customers';
import { draftsChannels } from './channels/drafts';
import { journalChannels, journalEvents } from './channels/journal';
import { meteringChannels, meteringEvents } from './channels/metering';

/** For channels that take nothing: `{}` (the bridge sends `{}` when called without input). */
export const noInput = z.object({}).strict();

export const themeSchema = z.enum(['system', 'light', 'dark']);

export const settingsSchema = z.object({
  theme: themeSchema,
  /** Visible table columns per table id, remembered across launches. */
  tableColumns: z.record(z.string(), z.array(z.string())),
  /** The connection every screen acts on. */
  activeConnectionId: z.string(),
  /** The region of that connection every screen acts on; '' = the connection's default region. */
  activeRegion: z.string(),
});
export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings: Settings = {
  theme: 'system',
  tableColumns: {},
  activeConnectionId: 'sandbox',
  activeRegion: '',
};

export const settingsPatchSchema = z
  .object({
    theme: themeSchema,
    tableColumns: z.record(z.string().min(1).max(100), z.array(z.string().max(100)).max(100)),
    activeConnectionId: z.string().min(1).max(200),
    activeRegion: z.string().max(50),
  })
  .partial()
  .strict();

export const hostKindSchema = z.enum(['electron', 'browser']);
export type HostKind = z.infer<typeof hostKindSchema>;

export const connectionKindSchema = z.enum(['sandbox', 'profile', 'keys']);

export const connectionSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: connectionKindSchema,
  isSandbox: z.boolean(),
  region: z.string(),
  regions: z.array(z.string()),
  accountId: z.string().optional(),
  endpoint: z.string().optional(),
});
export type ConnectionSummary = z.infer<typeof connectionSummarySchema>;

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  dataFolder: z.string(),
  host: hostKindSchema,
  platform: z.string(),
  activeConnection: connectionSummarySchema.nullable(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const contract = {
  'app:info': { input: noInput, output: appInfoSchema },
  'settings:get': { input: noInput, output: settingsSchema },
  'settings:set': { input: settingsPatchSchema, output: settingsSchema },
  ...connectionsChannels,
  ...meteringChannels,
  ...draftsChannels,
  ...customersChannels,
  ...customerDirectoryChannels,
  ...containersChannels,
  ...auditChannels,
  ...auditSqlChannels,
  ...journalChannels,
  ...correctionsChannels,
  ...appHealthChannels,
} as const;

/** Long work reports progress with these; `taskId` ties them to the call that started it. */
export const taskProgressSchema = z.object({
  taskId: z.string(),
  kind: z.string(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative().nullable(),
  ratePerSecond: z.number().nonnegative().nullable(),
  secondsLeft: z.number().nonnegative().nullable(),
  message: z.string().optional(),
  finished: z.boolean(),
});
export type TaskProgress = z.infer<typeof taskProgressSchema>;

export const events = {
  'task:progress': taskProgressSchema,
  'settings:changed': settingsSchema,
  ...connectionsEvents,
  ...meteringEvents,
  ...customersEvents,
  ...containersEvents,
  ...auditEvents,
  ...journalEvents,
  ...correctionsEvents,
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contract[C]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export type AnyEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

export const channelNames = Object.keys(contract) as Channel[];
export const eventNames = Object.keys(events) as EventName[];

export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(contract, name);
}
export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** What `window.meterdesk` looks like, in either host. */
export type MeterdeskBridge = {
  [C in Channel]: (input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>;
} & {
  on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => () => void;
};
