import type { ReactNode } from 'react';

/** One column of a {@link Table}. */
export interface TableColumn<Row> {
  readonly header: ReactNode;
  readonly cell: (row: Row) => ReactNode;
  /** Right-aligned, tabular figures. */
  readonly numeric?: boolean;
}

/** Props of {@link Table}. */
export interface TableProps<Row> {
  /** Says what the table lists (read by screen readers, hidden on screen). */
  readonly caption: string;
  readonly columns: readonly TableColumn<Row>[];
  readonly rows: readonly Row[];
  readonly rowKey: (row: Row) => string;
  /** Shown instead of rows when there are none. */
  readonly empty: ReactNode;
}

/** A data table with a caption and an empty state. */
export function Table<Row>({ caption, columns, rows, rowKey, empty }: TableProps<Row>) {
  if (rows.length === 0) return <p className="wm-table__empty">{empty}</p>;
  return (
    <div className="wm-table-wrap">
      <table className="wm-table">
        <caption className="wm-visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column, index) => (
              <th key={index} scope="col" className={column.numeric === true ? 'wm-table__numeric' : undefined}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column, index) => (
                <td key={index} className={column.numeric === true ? 'wm-table__numeric' : undefined}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
