/** A prom-client metric's value summed over its series whose labels include `labels` (all series when none). */
export async function metricSum(
  metric: { get(): Promise<{ values: ReadonlyArray<{ value: number; labels: object }> }> },
  labels: Record<string, string> = {},
): Promise<number> {
  return (await metric.get()).values
    .filter((v) => Object.entries(labels).every(([k, want]) => (v.labels as Record<string, unknown>)[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
}
