/**
 * Tables for benchmark output, printed as Markdown so that a run's output can
 * be pasted into bench/README.md as it is.
 */

/** One column: its heading and whether its cells line up to the right (numbers). */
export interface Column {
  title: string;
  align?: 'left' | 'right';
}

/**
 * Renders rows as a Markdown table with padded columns.
 *
 * @example
 * markdownTable([{ title: 'case' }, { title: 'ns', align: 'right' }], [['bare loop', '12.3']]);
 * // | case      |   ns |
 * // |-----------|-----:|
 * // | bare loop | 12.3 |
 */
export function markdownTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new RangeError(
        `markdownTable: a row has ${row.length} cells for ${columns.length} columns: ${JSON.stringify(row)}.`,
      );
    }
  }
  const widths = columns.map((column, i) => Math.max(3, column.title.length, ...rows.map((row) => row[i]!.length)));
  const cell = (text: string, i: number) =>
    columns[i]!.align === 'right' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${columns
    .map((column, i) => (column.align === 'right' ? `${'-'.repeat(widths[i]! + 1)}:` : '-'.repeat(widths[i]! + 2)))
    .join('|')}|`;
  return [line(columns.map((column) => column.title)), rule, ...rows.map(line)].join('\n');
}
