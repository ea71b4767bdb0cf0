/** One column of a {@link formatTable} table: its heading, and whether it is right-aligned (numbers). */
export interface TableColumn {
  readonly heading: string;
  readonly align?: 'left' | 'right';
}

/**
 * Rows as an aligned text table, a heading line first, columns two spaces apart, no trailing
 * blanks, one line per row each ending in a newline. Widths count UTF-16 code units: the
 * columns hold names and numbers, not wide characters.
 */
export function formatTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, index) => Math.max(column.heading.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? '';
        return column.align === 'right' ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!);
      })
      .join('  ')
      .trimEnd() + '\n';
  return line(columns.map((column) => column.heading)) + rows.map(line).join('');
}
