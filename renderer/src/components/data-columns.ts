// What a table column is, for DataTable (rows in memory) and the server-windowed tables built on
// the same DataGrid (the audit explorer): how to read, show, sort, filter and copy its cells.
import type { ReactNode } from 'react';
import { formatNumber } from '../locale';

export type ColumnKind = 'text' | 'number' | 'id' | 'time';
export type CellValue = string | number | null | undefined;

export type DataColumn<Row> = {
  /** Stable: it is persisted in the remembered column choice. */
  id: string;
  header: string;
  /** The raw value: used to sort, filter and copy. */
  value: (row: Row) => CellValue;
  /**
   * number: right-aligned, thousands separators, never rounded. id: monospace, never
   * reformatted; a long id is cut visually only, with the whole value in its tooltip and a copy
   * button.
   */
  kind?: ColumnKind;
  /** Custom cell content; value() is still what is copied. */
  render?: (row: Row) => ReactNode;
  /** px; defaults by kind. */
  width?: number;
  sortable?: boolean;
  filterable?: boolean;
  /** What the filter box accepts, as its tooltip and placeholder. */
  filterHint?: string;
  filterPlaceholder?: string;
  /** The first click sorts descending (newest, largest first). */
  sortDescFirst?: boolean;
  defaultHidden?: boolean;
  alwaysVisible?: boolean;
};

export const ROW_HEIGHT = 30;
export const DEFAULT_WIDTH: Record<ColumnKind, number> = {
  text: 160,
  number: 120,
  id: 230,
  time: 190,
};

export function columnWidth(column: DataColumn<never>): number {
  return column.width ?? DEFAULT_WIDTH[column.kind ?? 'text'];
}

/** Thousands separators, every digit kept (the app's one number format). */
export { formatNumber };

export function displayText(kind: ColumnKind, value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (kind === 'number' && typeof value === 'number') return formatNumber(value);
  return String(value);
}
