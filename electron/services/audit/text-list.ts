// Many texts as one bound parameter: a newline-separated text the engine splits, so binding
// costs one value instead of one per text (ids carry no newline; a list that does is bound as
// a list).
import type { SqlParam } from './db';

export function textList(texts: readonly string[]): { sql: string; param: SqlParam } {
  if (texts.some((t) => t.includes('\n'))) return { sql: '$1::VARCHAR[]', param: texts };
  return { sql: 'string_split($1, chr(10))', param: texts.join('\n') };
}
