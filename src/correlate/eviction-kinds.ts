/** What the caps evict early (`exfilwatch_state_evictions_total{kind}`, docs/detection.md "Bounded state"). */
export const EVICTION_KINDS = [
  'container',
  'process',
  'node',
  'socket',
  'file',
  'suppression',
  'ip_hint',
  'egress_dest',
  'early_push',
  'pod_copy',
  'pod_storage',
] as const;
export type EvictionKind = (typeof EVICTION_KINDS)[number];

export type EvictionCounters = Record<EvictionKind, { inc(): void }>;

/** One counter child per kind, looked up once (the engine counts evictions on its hot path). */
export function evictionCounters(evictions: { labels(kind: EvictionKind): { inc(): void } }): EvictionCounters {
  return Object.fromEntries(EVICTION_KINDS.map((k) => [k, evictions.labels(k)])) as EvictionCounters;
}
