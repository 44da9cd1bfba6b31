// CloudTrail's way of writing things, for trail log files written by e2e specs.
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A usage timestamp as CloudTrail writes it (AWS-FACTS §2.6) for a whole hour, in UTC. */
export function javaHour(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${MONTHS[d.getUTCMonth()] ?? ''} ${String(d.getUTCDate())}, ${String(d.getUTCFullYear())} ${String(h12)}:00:00 ${h < 12 ? 'AM' : 'PM'}`;
}
