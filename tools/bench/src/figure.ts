/** One measured figure. `ratio` is always "times better than the baseline" (higher is better). */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: string;
  readonly ratio?: number;
}

/** What a suite run produces; written to `bench-results/<suite>.json`. */
export interface SuiteResult {
  readonly suite: string;
  readonly figures: readonly Figure[];
}

/** A benchmark suite: measures its figures and their baselines in the same run. */
export interface Suite {
  readonly name: string;
  readonly description: string;
  run(): Promise<Figure[]>;
}

/** The median of `runs` measurements (robust against a noisy shared machine). */
export async function median(runs: number, measure: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await measure());
  return medianOf(values);
}

/** The median of `values` (the upper one of an even count); throws on none. */
export function medianOf(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('the median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Renders figures as an aligned text table. */
export function formatTable(result: SuiteResult): string {
  const rows = [
    ['figure', 'value', 'unit', 'ratio', 'baseline'],
    ...result.figures.map((f) => [
      f.name,
      formatNumber(f.value),
      f.unit,
      f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`,
      f.baseline ?? '',
    ]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows.map((row) => row.map((cell, col) => (col === 1 ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!))).join('  ').trimEnd()).join('\n');
}

function formatNumber(value: number): string {
  if (value >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}
