// Times in CloudTrail metering records (AWS-FACTS §2.6): a usage record's `timestamp` is a Java
// DateFormat medium, en-US string in UTC without a zone ("Apr 19, 2018 4:32:50 PM"); newer JDKs
// put U+202F (narrow no-break space) before AM/PM, some locales U+00A0. ISO-8601 and epoch
// seconds or milliseconds are accepted too, so a record written another way still reads.

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

const JAVA_TIMESTAMP =
  /^([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{1,2}),?\s+(\d{4}),?[\s\u00a0\u202f]+(\d{1,2}):(\d{2})(?::(\d{2}))?[\s\u00a0\u202f]*([AaPp])\.?[Mm]\.?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;
const HAS_ZONE = /(?:[Zz]|[+-]\d{2}:?\d{2})$/;

function epochToMs(n: number): number | null {
  if (!Number.isFinite(n) || n < 0) return null;
  // Below 1e11 it can only be seconds (1e11 ms is 1973; 1e11 s is the year 5138).
  return Math.round(n < 1e11 ? n * 1000 : n);
}

function javaToMs(java: RegExpExecArray): number | null {
  const month = MONTHS[(java[1] ?? '').toLowerCase()];
  if (month === undefined) return null;
  let hour = Number(java[4]);
  if (hour < 1 || hour > 12) return null;
  const pm = (java[7] ?? '').toLowerCase() === 'p';
  if (hour === 12) hour = 0;
  if (pm) hour += 12;
  const ms = Date.UTC(
    Number(java[3]),
    month,
    Number(java[2]),
    hour,
    Number(java[5]),
    Number(java[6] ?? 0),
  );
  return Number.isFinite(ms) ? ms : null;
}

/** Texts read lately: the records of a call, and of an hour, share their timestamp. */
const recent = new Map<string, number | null>();
const RECENT_MAX = 4096;
/**
 * The last text read and its time: the records of a call come one after another with the same
 * timestamp, and comparing with it is cheaper than hashing a new copy of it for the map.
 */
let lastText: string | null = null;
let lastMs: number | null = null;

/** Epoch ms from a Java-style string, ISO-8601, or epoch seconds/millis; null if none fits. */
export function parseUsageTimestamp(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? epochToMs(value) : null;
  if (typeof value !== 'string') return null;
  if (value === lastText) return lastMs;
  let ms = recent.get(value);
  if (ms === undefined) {
    ms = parseText(value);
    if (recent.size >= RECENT_MAX) recent.clear();
    recent.set(value, ms);
  }
  lastText = value;
  lastMs = ms;
  return ms;
}

function parseText(value: string): number | null {
  const text = value.trim();
  if (text === '') return null;
  const java = JAVA_TIMESTAMP.exec(text);
  if (java) return javaToMs(java);
  if (ISO_DATE.test(text)) {
    // A zone-less ISO date-time would be read as local time; CloudTrail means UTC.
    const withZone = text.length > 10 && !HAS_ZONE.test(text) ? `${text}Z` : text;
    const ms = Date.parse(withZone);
    return Number.isFinite(ms) ? ms : null;
  }
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return epochToMs(Number(text));
  return null;
}
