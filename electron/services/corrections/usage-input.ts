// What should have been billed, pasted or from a CSV of correct usage: one line per hour, a time
// and a quantity, separated by a comma, tab, semicolon or spaces; a header line is optional. The
// rules never change a number silently: a time needs its zone, a quantity is a whole number
// written with digits only, an hour given twice is an issue (not a sum), and every message names
// the line of the text it is about.
import Papa from 'papaparse';
import type { UsageLine } from '../../../shared/channels/corrections';
import { INT32_MAX } from '../../../shared/aws/metering-rules';
import { HOUR_MS, isoHour, type Period } from './period';

export type UsageIssue = { line: number; message: string };

const TIME_HEADERS = /^(hour|usage ?hour|time|timestamp|usage ?time|date)$/i;
const ZONED = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?\s?(Z|UTC|[+-]\d{2}:?\d{2})$/i;

function cellsOf(row: string[]): string[] {
  const cells = row.map((c) => c.trim());
  // A line with no delimiter Papa knows: split on runs of spaces ("2026-11-17T03:00Z 40").
  if (cells.length === 1) return (cells[0] ?? '').split(/\s+(?=\S+$)/);
  return cells;
}

function parseTime(text: string): number | { error: string } {
  if (!ZONED.test(text)) {
    return /^\d{4}-\d{2}-\d{2}/.test(text)
      ? { error: `"${text}" has no time zone: add Z for UTC (2026-11-17T05:00Z).` }
      : { error: `"${text}" is not a time.` };
  }
  const normalised = text
    .replace(' ', 'T')
    .replace(/\s?UTC$/i, 'Z')
    .replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? { error: `"${text}" is not a real time.` } : ms;
}

function parseQuantity(text: string): number | { error: string } {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= INT32_MAX ? n : { error: `${text} is larger than AWS accepts (${INT32_MAX}).` };
  }
  if (/^\d{1,3}([,.' ]\d{3})+$/.test(text)) {
    return { error: `"${text}" looks like a number with thousands separators: write digits only.` };
  }
  if (/^-/.test(text)) return { error: `${text} is negative: give what should have been billed.` };
  return { error: `"${text}" is not a whole number of units.` };
}

export function parseUsageText(
  text: string,
  period: Period,
): { lines: UsageLine[]; issues: UsageIssue[] } {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
    skipEmptyLines: false,
    delimitersToGuess: [',', '\t', ';', '|'],
  });
  const lines: UsageLine[] = [];
  const issues: UsageIssue[] = [];
  const seen = new Map<number, number>();
  parsed.data.forEach((row, i) => {
    const line = i + 1;
    const cells = cellsOf(row).filter((c, j, all) => c !== '' || j < all.length - 1);
    if (cells.length === 0 || cells.every((c) => c === '')) return;
    if (i === 0 && cells[0] !== undefined && TIME_HEADERS.test(cells[0])) return;
    if (cells.length !== 2) {
      issues.push({
        line,
        message: `${cells.length} cells: give a time and a quantity (a thousands separator or an unquoted comma?).`,
      });
      return;
    }
    const [timeText = '', quantityText = ''] = cells;
    const time = parseTime(timeText);
    const quantity = parseQuantity(quantityText);
    if (typeof time !== 'number') return void issues.push({ line, message: time.error });
    if (typeof quantity !== 'number') return void issues.push({ line, message: quantity.error });
    const hour = Math.floor(time / HOUR_MS) * HOUR_MS;
    if (hour < period.from || hour >= period.to) {
      issues.push({ line, message: `${isoHour(hour)} is outside the case’s period.` });
      return;
    }
    const earlier = seen.get(hour);
    if (earlier !== undefined) {
      issues.push({
        line,
        message: `${isoHour(hour)} is already given on line ${String(earlier)}; give each hour once.`,
      });
      return;
    }
    seen.set(hour, line);
    lines.push({ hour: isoHour(hour), quantity });
  });
  return { lines, issues };
}
