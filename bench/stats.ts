/** The `p`-th percentile of `values` (nearest rank; NaN when there are none): 50 is the median the steps compare. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
