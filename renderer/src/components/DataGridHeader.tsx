// The sticky header row of a DataGrid: a sort button and a filter box per column, both driven by
// the TanStack Table column (client-side or manual sorting and filtering alike).
import type { Table } from '@tanstack/react-table';
import type { DataColumn } from './data-columns';

type DataGridHeaderProps<Row> = {
  table: Table<Row>;
  columns: readonly DataColumn<Row>[];
  template: string;
  /** Column ids whose filter text could not be read (marked invalid). */
  invalidFilters?: ReadonlySet<string> | undefined;
};

function sortMark(sorted: false | 'asc' | 'desc'): string {
  return sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '';
}

export function DataGridHeader<Row>({
  table,
  columns,
  template,
  invalidFilters,
}: DataGridHeaderProps<Row>) {
  return (
    <div className="dt-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
      {columns.map((c, ci) => {
        const column = table.getColumn(c.id);
        const sorted = column?.getIsSorted() ?? false;
        const kind = c.kind ?? 'text';
        const invalid = invalidFilters?.has(c.id) === true;
        const filterValue = column?.getFilterValue();
        return (
          <div
            key={c.id}
            role="columnheader"
            aria-colindex={ci + 1}
            aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
            className={`dt-th dt-${kind}`}
          >
            {c.sortable !== false ? (
              <button
                type="button"
                className="dt-sort"
                onClick={column?.getToggleSortingHandler()}
                title={`Sort by ${c.header}`}
              >
                {c.header}
                <span aria-hidden="true" className="dt-sort-mark">
                  {sortMark(sorted)}
                </span>
              </button>
            ) : (
              <span className="dt-sort">{c.header}</span>
            )}
            {c.filterable !== false && (
              <input
                className={`dt-filter${invalid ? ' dt-filter-invalid' : ''}`}
                type="search"
                aria-label={`Filter ${c.header}`}
                aria-invalid={invalid || undefined}
                title={c.filterHint}
                placeholder={c.filterPlaceholder ?? (kind === 'number' ? '> 100' : 'Filter')}
                value={typeof filterValue === 'string' ? filterValue : ''}
                onChange={(e) => column?.setFilterValue(e.target.value)}
              />
            )}
          </div>
        );
      })}
    </div>
  );
}
