// Small statistics and formatting helpers shared by the benchmark reports.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const seconds = (ms: number, digits = 2) => (ms / 1000).toFixed(digits);
export const ratio = (value: number, digits = 2) => value.toFixed(digits);
export const percent = (value: number, digits = 0) => `${(value * 100).toFixed(digits)} %`;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A Markdown table: a header row, then the rows; columns after the first align right. */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
