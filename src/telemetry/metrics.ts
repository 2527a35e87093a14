/**
 * Every metric exfilwatch exports, declared once (INTERFACES.md "Prometheus"). Labels come from small fixed
 * sets: never a container id, pod name, command line or path. Components receive this object in their
 * deps; none creates metrics of its own.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** `source` label on ingest metrics: the sensor family. */
export type SensorLabel = 'tetragon' | 'falco';
/** `source` label on exfilwatch_source_up and connection metrics: the source component type. */
export type SourceTypeLabel = 'tetragon-grpc' | 'tetragon-file' | 'falco-http' | 'falco-grpc' | 'file' | 'replay';

/**
 * `component` label of a source on the exfilwatch_component_* counters. One definition, because readers
 * (the demo's intake wait) must look up the label the writers used: a source's id holds its address, and
 * no label may hold a path (INTERFACES.md).
 */
export function sourceComponent(type: SourceTypeLabel): `source:${SourceTypeLabel}` {
  return `source:${type}`;
}
/** `reason` on exfilwatch_events_dropped_total. */
export type DropReason = 'queue_full' | 'ignored' | 'malformed' | 'out_of_window' | 'rejected';

export interface Metrics {
  readonly registry: Registry;
  readonly eventsTotal: Counter<'source' | 'kind'>;
  readonly eventsDropped: Counter<'reason'>;
  readonly decodeErrors: Counter<'source'>;
  readonly alertsTotal: Counter<'rule' | 'severity'>;
  readonly alertsSuppressed: Counter<'rule'>;
  readonly alertsAllowlisted: Counter<'rule'>;
  readonly allowlistMatches: Counter<'reason'>;
  readonly sourceUp: Gauge<'source'>;
  readonly sourceReconnects: Counter<'source'>;
  readonly sourceFileRestarts: Counter<'source' | 'reason'>;
  readonly sensorDroppedEvents: Counter<'source' | 'reason'>;
  readonly trackedContainers: Gauge;
  readonly stateEvictions: Counter<'kind'>;
  readonly shellScriptsSkipped: Counter<'reason'>;
  readonly detectionLatency: Histogram;
  readonly alertsPublished: Counter<'sink'>;
  readonly alertsAcked: Counter<'sink'>;
  readonly sinkUp: Gauge<'sink'>;
  /** `stream` is a JetStream stream name (operator-chosen, like the subjects): never a container, pod or path. */
  readonly alertStreamForeign: Gauge<'sink' | 'stream'>;
  readonly alertPublishFailures: Counter<'sink'>;
  readonly alertsDropped: Counter<'sink' | 'reason'>;
  readonly alertPublishRefused: Counter<'sink' | 'reason'>;
  readonly alertSpoolMessages: Gauge;
  readonly alertSpoolDropped: Counter<'severity'>;
  readonly alertSpoolWriteFailures: Counter;
  readonly queueDepth: Gauge<'queue'>;
  readonly componentReceived: Counter<'component'>;
  readonly componentSent: Counter<'component'>;
  readonly componentErrors: Counter<'component'>;
  readonly receiverRequests: Counter<'source' | 'code'>;
  /** Request-body bytes a receiver holds against its maxBufferedBodyBytes budget, summed over receivers. */
  readonly receiverBufferedBodyBytes: Gauge<'source'>;
  /** That budget (maxBufferedBodyBytes as in force), summed over receivers: the level's ceiling. */
  readonly receiverBodyBudgetBytes: Gauge<'source'>;
  /** Connections the ops endpoints closed to stay within their limit (`evicted` an old one, `refused` the new). */
  readonly opsConnectionsClosed: Counter<'reason'>;
  readonly receiverConnectionsClosed: Counter<'source' | 'reason'>;
  /** Errors listing or watching this node's pods (src/kubernetes/), by reason (unreachable, forbidden, …). */
  readonly kubernetesApiErrors: Counter<'reason'>;
  /** Pods of this node with a secret mount known (src/kubernetes/). */
  readonly podSecretPods: Gauge;
  /** Pods whose secret mounts were not kept: kubernetes.maxPods reached. */
  readonly podSecretsDropped: Counter;
  /**
   * Runs `flush` whenever exfilwatch_events_total, exfilwatch_component_received_total or
   * exfilwatch_receiver_requests_total is read (a scrape,
   * `get()`): hot paths may sum per-event counts in plain numbers and hand them over here, so a reader
   * still sees every event.
   */
  flushBeforeCollect(flush: () => void): void;
  /**
   * Registers one more source of `type` on exfilwatch_source_up (down until told otherwise) and returns
   * the function it reports its connection changes to.
   */
  trackSourceUp(type: SourceTypeLabel): (nowUp: boolean) => void;
}

/** prom-client default metrics that fail promtool's lint (gauges named `*_total`). */
export const LINT_OFFENDERS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export interface MetricsOptions {
  /** Node.js process metrics (CPU, memory, event loop). Off in unit tests. */
  defaultMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics) {
    collectDefaultMetrics({ register: registry });
    // prom-client exports these sums as gauges ending in `_total`, which `promtool check metrics` rejects
    // (`_total` is for counters). They add nothing: the same-named gauges without `_total` carry the
    // per-type breakdown that sums to them.
    for (const name of LINT_OFFENDERS) registry.removeSingleMetric(name);
  }
  const r = [registry];
  const collectHooks: Array<() => void> = [];
  const runCollectHooks = () => {
    for (const flush of collectHooks) flush();
  };
  // Sources of one type share their `source` label (no label may hold an address), so the gauge is one
  // series for all of them (`--tetragon` is repeatable). It says 1 only while every one of them is up, as
  // /readyz does: set by whichever source changed last, it read 1 with another agent of the type gone, and
  // `exfilwatch_source_up == 0` (the shipped alert for a blind node) never fired.
  const upByType = new Map<SourceTypeLabel, { sources: number; up: number }>();
  const metrics: Metrics = {
    registry,
    flushBeforeCollect: (flush) => {
      collectHooks.push(flush);
    },
    trackSourceUp: (type) => {
      const state = upByType.get(type) ?? { sources: 0, up: 0 };
      upByType.set(type, state);
      const gauge = metrics.sourceUp.labels(type);
      state.sources++;
      gauge.set(state.up === state.sources ? 1 : 0);
      return (nowUp) => {
        state.up += nowUp ? 1 : -1;
        gauge.set(state.up === state.sources ? 1 : 0);
      };
    },
    eventsTotal: new Counter({
      name: 'exfilwatch_events_total',
      help: 'Normalized events received from sensors.',
      labelNames: ['source', 'kind'],
      registers: r,
      collect: runCollectHooks,
    }),
    eventsDropped: new Counter({
      name: 'exfilwatch_events_dropped_total',
      help: 'Events not processed, by reason (queue_full, rejected: lost; ignored, malformed, out_of_window).',
      labelNames: ['reason'],
      registers: r,
    }),
    decodeErrors: new Counter({
      name: 'exfilwatch_decode_errors_total',
      help: 'Raw sensor events that could not be decoded.',
      labelNames: ['source'],
      registers: r,
    }),
    alertsTotal: new Counter({
      name: 'exfilwatch_alerts_total',
      help: 'Alerts raised.',
      labelNames: ['rule', 'severity'],
      registers: r,
    }),
    alertsSuppressed: new Counter({
      name: 'exfilwatch_alerts_suppressed_total',
      help: 'Matches suppressed because an alert for the same rule, container and destination was sent recently.',
      labelNames: ['rule'],
      registers: r,
    }),
    alertsAllowlisted: new Counter({
      name: 'exfilwatch_alerts_allowlisted_total',
      help: 'Matches not alerted because an allowlist entry exempted the container.',
      labelNames: ['rule'],
      registers: r,
    }),
    allowlistMatches: new Counter({
      name: 'exfilwatch_allowlist_matches_total',
      help: "Pushes exempted by an allowlist entry, by the entry's reason (one series per configured reason).",
      labelNames: ['reason'],
      registers: r,
    }),
    sourceUp: new Gauge({
      name: 'exfilwatch_source_up',
      help: '1 when the source is connected to its sensor (or listening, for receivers), else 0; with several sources of one type, 1 only while all are.',
      labelNames: ['source'],
      registers: r,
    }),
    sourceFileRestarts: new Counter({
      name: 'exfilwatch_source_file_restarts_total',
      help: 'Times a followed export file was read again from its start: reason rotated (a new file at the path) or truncated (copytruncate).',
      labelNames: ['source', 'reason'],
      registers: r,
    }),
    sourceReconnects: new Counter({
      name: 'exfilwatch_source_reconnects_total',
      help: 'Times a source re-established its sensor connection after losing it.',
      labelNames: ['source'],
      registers: r,
    }),
    sensorDroppedEvents: new Counter({
      name: 'exfilwatch_sensor_dropped_events_total',
      help: 'Events the sensor itself reported as lost (Tetragon rate_limit_info, throttling; Falco drops).',
      labelNames: ['source', 'reason'],
      registers: r,
    }),
    trackedContainers: new Gauge({
      name: 'exfilwatch_tracked_containers',
      help: 'Containers with correlation state held in memory.',
      registers: r,
    }),
    stateEvictions: new Counter({
      name: 'exfilwatch_state_evictions_total',
      help: 'Correlation state evicted before its window ended, because a cap was reached.',
      labelNames: ['kind'],
      registers: r,
    }),
    shellScriptsSkipped: new Counter({
      name: 'exfilwatch_shell_scripts_skipped_total',
      help: "Shells' inline scripts not read for copies or staging (budget: the node's parse budget was spent) or read only in part (too_long).",
      labelNames: ['reason'],
      registers: r,
    }),
    detectionLatency: new Histogram({
      name: 'exfilwatch_detection_latency_seconds',
      help: 'Wall-clock time from receiving the event that completed a detection to emitting its alert.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60],
      registers: r,
    }),
    alertsPublished: new Counter({
      name: 'exfilwatch_alerts_published_total',
      help: 'Alerts a sink accepted (for NATS: durably spooled, see exfilwatch_alerts_acked_total for broker acks; for stdout: written, not merely buffered).',
      labelNames: ['sink'],
      registers: r,
    }),
    alertsAcked: new Counter({
      name: 'exfilwatch_alerts_acked_total',
      help: 'Alerts the broker confirmed it stored (JetStream ack; a flush round trip for core NATS).',
      labelNames: ['sink'],
      registers: r,
    }),
    sinkUp: new Gauge({
      name: 'exfilwatch_sink_up',
      help: '1 when the sink can publish (nats: broker connected and stream ready; stdout: the stream is not broken, e.g. by EPIPE), else 0.',
      labelNames: ['sink'],
      registers: r,
    }),
    alertStreamForeign: new Gauge({
      name: 'exfilwatch_alert_stream_foreign',
      help: '1 for each other JetStream stream the sink publishes alerts into because it stores (part of) <prefix>.> and so the alert stream cannot be created beside it (NATS, stream.mode create); the series is removed once the sink no longer does (e.g. it created its own stream).',
      labelNames: ['sink', 'stream'],
      registers: r,
    }),
    alertPublishFailures: new Counter({
      name: 'exfilwatch_alert_publish_failures_total',
      help: 'Failed alert delivery attempts (retried or spooled), and alerts dropped for a sink (exfilwatch_alerts_dropped_total).',
      labelNames: ['sink'],
      registers: r,
    }),
    alertsDropped: new Counter({
      name: 'exfilwatch_alerts_dropped_total',
      help: "Alerts a sink never got, by reason: queue_full (its delivery queue was full: the sink had stalled; the other sinks got them), shutdown (still queued, or waiting for a retry, when the shutdown timeout passed; for stdout also the line whose write had not completed), write_failed (stdout: its write failed, or stdout was already closed, e.g. EPIPE), too_large (NATS: over the broker's max_payload or the stream's max_msg_size).",
      labelNames: ['sink', 'reason'],
      registers: r,
    }),
    alertPublishRefused: new Counter({
      name: 'exfilwatch_alert_publish_refused_total',
      help: 'Publishes the broker answered with a refusal, by reason: permission (the account may not publish on the subject), no_stream (no stream stores the subject), stream_full (a discard-new stream at its limit), storage (JetStream out of storage), too_large (over max_payload or max_msg_size: the alert is dropped). All but too_large stay spooled and are retried.',
      labelNames: ['sink', 'reason'],
      registers: r,
    }),
    alertSpoolMessages: new Gauge({
      name: 'exfilwatch_alert_spool_messages',
      help: 'Alerts waiting in the on-disk spool for the broker to return.',
      registers: r,
    }),
    alertSpoolWriteFailures: new Counter({
      name: 'exfilwatch_alert_spool_write_failures_total',
      help: 'Alerts the disk refused to spool (full, read-only, I/O error): kept in memory only until delivered.',
      registers: r,
    }),
    alertSpoolDropped: new Counter({
      name: 'exfilwatch_alert_spool_dropped_total',
      help: 'Alerts dropped from the spool: a full spool (oldest info/low first), or alerts the disk refused (held in memory only) still undelivered at stop.',
      labelNames: ['severity'],
      registers: r,
    }),
    queueDepth: new Gauge({
      name: 'exfilwatch_queue_depth',
      help: "Items waiting in an internal queue: events (sensor → correlator), alerts (correlator → sinks), sink:<name> (one sink's delivery queue).",
      labelNames: ['queue'],
      registers: r,
    }),
    componentReceived: new Counter({
      name: 'exfilwatch_component_received_total',
      help: 'Items a pipeline component received.',
      labelNames: ['component'],
      registers: r,
      collect: runCollectHooks,
    }),
    componentSent: new Counter({
      name: 'exfilwatch_component_sent_total',
      help: 'Items a pipeline component passed on.',
      labelNames: ['component'],
      registers: r,
    }),
    componentErrors: new Counter({
      name: 'exfilwatch_component_errors_total',
      help: 'Errors inside a pipeline component (counted, never fatal).',
      labelNames: ['component'],
      registers: r,
    }),
    receiverRequests: new Counter({
      name: 'exfilwatch_receiver_requests_total',
      help: 'HTTP requests answered by an event receiver (falco-http), by status code (200, 400, 401, 413, 415, 429, 503, …).',
      labelNames: ['source', 'code'],
      registers: r,
      collect: runCollectHooks,
    }),
    receiverBufferedBodyBytes: new Gauge({
      name: 'exfilwatch_receiver_buffered_body_bytes',
      help: 'Request-body bytes an event receiver (falco-http) holds against its maxBufferedBodyBytes budget (bodies over 16 KiB still arriving).',
      labelNames: ['source'],
      registers: r,
    }),
    receiverBodyBudgetBytes: new Gauge({
      name: 'exfilwatch_receiver_body_budget_bytes',
      help: 'The maxBufferedBodyBytes budget in force, summed over the receivers of a source type: requests past it get 503.',
      labelNames: ['source'],
      registers: r,
    }),
    opsConnectionsClosed: new Counter({
      name: 'exfilwatch_ops_connections_closed_total',
      help: 'Connections the /metrics, /healthz, /readyz server closed to stay bounded: evicted (at its limit, the one longest without a request, to admit a new one), refused (the new one; every connection busy) or pipelined (more than 8 requests in progress on it).',
      labelNames: ['reason'],
      registers: r,
    }),
    receiverConnectionsClosed: new Counter({
      name: 'exfilwatch_receiver_connections_closed_total',
      help: 'Connections an event receiver (falco-http) closed at its maxConnections: evicted (the one longest without a request in progress, to admit a new one) or refused (the new one; every connection busy).',
      labelNames: ['source', 'reason'],
      registers: r,
    }),
    kubernetesApiErrors: new Counter({
      name: 'exfilwatch_kubernetes_api_errors_total',
      help: "Failed lists and watches of this node's pods (kubernetes.podSecrets), by reason: unreachable, unauthorized (401), forbidden (403: RBAC), http (another status, or a watch closed at once with no event), decode (a watch line that is no pod event). Retried with back-off.",
      labelNames: ['reason'],
      registers: r,
    }),
    podSecretPods: new Gauge({
      name: 'exfilwatch_pod_secret_pods',
      help: 'Pods of this node whose secret mounts (secret, projected, secrets-store CSI volumes) exfilwatch knows from the API server.',
      registers: r,
    }),
    podSecretsDropped: new Counter({
      name: 'exfilwatch_pod_secrets_dropped_total',
      help: 'Pods whose secret mounts were not kept because kubernetes.maxPods was reached: their reads count by path rules only.',
      registers: r,
    }),
  };
  return metrics;
}
