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
