// Which raw records are stored packed (AuditDb.packText) and which stay text.

/**
 * Raw records shorter than this stay text (the engine compresses that column when it
 * checkpoints): packing one record costs a compressor's setup, about 20 µs, which is what
 * compressing several KB costs, so a short record (a trail file's call of a few usage records)
 * would cost more to pack than its bytes cost to write.
 */
export const PACK_MIN_CHARS = 4_096;

export const packsRaw = (raw: string): boolean => raw.length >= PACK_MIN_CHARS;
