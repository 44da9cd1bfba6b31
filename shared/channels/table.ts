import type { z } from 'zod';

/** Every area's channels: `area:verb` → its input and output schemas. */
export type ChannelTable = Record<`${string}:${string}`, { input: z.ZodType; output: z.ZodType }>;

/** Every area's events: `area:name` → its payload schema. */
export type EventTable = Record<`${string}:${string}`, z.ZodType>;
