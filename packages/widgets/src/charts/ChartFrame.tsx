import { useParentSize } from '@visx/responsive';
import { type ReactNode, useId, useState } from 'react';
import { type CsvCell, downloadCsv, toCsv } from '../csv.ts';

/** One column of a chart's data, shown in its table view and written to its CSV. */
export interface Column<Row> {
  label: string;
  /** The cell as shown in the table (formatted for the locale). */
  text: (row: Row) => string;
  /** The cell as written to CSV (plain numbers, ISO dates). */
  csv: (row: Row) => CsvCell;
}

export interface ChartFrameProps<Row> {
  title: string;
  columns: Column<Row>[];
  rows: Row[];
  /** Base name of the CSV download. */
  filename: string;
  height: number;
  emptyMessage?: string;
  /** A small chart (sparkline): the title is for screen readers only. */
  compact?: boolean;
  /** Renders the chart at the measured width. */
  children: (width: number) => ReactNode;
}

/**
 * What every chart shares: a figure with its caption, the "view as table" toggle, the CSV
 * download, the empty state, and the width of its container.
 */
export function ChartFrame<Row>(props: ChartFrameProps<Row>) {
  const { title, columns, rows, filename, height, compact = false, children } = props;
  const [asTable, setAsTable] = useState(false);
  const { parentRef, width } = useParentSize({ debounceTime: 30, initialSize: { width: 480 } });
  const id = useId();
  const empty = rows.length === 0;
  return (
    <figure className={compact ? 'mp-chart mp-chart--compact' : 'mp-chart'} aria-labelledby={`${id}-title`}>
      <div className="mp-chart__head">
        <figcaption id={`${id}-title`} className={compact ? 'mp-sr-only' : 'mp-chart__title'}>
          {title}
        </figcaption>
        {empty ? null : (
          <div className="mp-chart__tools">
            <button
              type="button"
              className="mp-button"
              aria-pressed={asTable}
              onClick={() => setAsTable(!asTable)}
            >
              {asTable ? 'Ver gráfico' : 'Ver como tabela'}
            </button>
            <button
              type="button"
              className="mp-button"
              onClick={() =>
                downloadCsv(
                  filename,
                  toCsv(
                    columns.map((c) => c.label),
                    rows.map((row) => columns.map((c) => c.csv(row))),
                  ),
                )
              }
            >
              Exportar CSV
            </button>
          </div>
        )}
      </div>
      {empty ? (
        <p className="mp-empty">{props.emptyMessage ?? 'Sem dados para o período.'}</p>
      ) : asTable ? (
        <div className="mp-table-wrap">
          <table className="mp-table">
            <caption className="mp-sr-only">{title}</caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.label} scope="col">
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                // Rows have no identity beyond their position in the data.
                // biome-ignore lint/suspicious/noArrayIndexKey: static data table
                <tr key={i}>
                  {columns.map((c, j) =>
                    j === 0 ? (
                      <th key={c.label} scope="row">
                        {c.text(row)}
                      </th>
                    ) : (
                      <td key={c.label}>{c.text(row)}</td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <div ref={parentRef} className="mp-chart__plot" style={{ height }}>
          {width > 0 ? children(width) : null}
        </div>
      )}
    </figure>
  );
}
