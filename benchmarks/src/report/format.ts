/** Number formatting shared by the markdown tables and the chart. */
export const ns = (v: number | undefined, digits = 1): string => (v === undefined || Number.isNaN(v) ? '–' : `${v.toFixed(digits)}`);

/** Nanoseconds as microseconds, with precision that suits the size. */
export const us = (v: number | undefined): string => {
  if (v === undefined || Number.isNaN(v)) return '–';
  const u = v / 1000;
  return u >= 100 ? u.toFixed(0) : u >= 10 ? u.toFixed(1) : u.toFixed(2);
};

export const x = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(2)}×`);

export const signed = (v: number | undefined, digits = 0): string =>
  v === undefined || Number.isNaN(v) ? '–' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;

export const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)} %`);

export function table(head: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const sep = head.map((_, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : '---'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
