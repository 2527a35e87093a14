/**
 * What exfilwatch learns from the Kubernetes API: the secret mounts of this node's pods (docs/detection.md,
 * "Secrets mounted where the pod spec says"). Surface: startPodSecrets(config, deps) → PodSecrets | null.
 * `run` imports this folder only when the feature may be on (a dynamic import), so `scan` and `demo` never load it.
 */
import { sleep } from '../io/sleep.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { type ApiCredentials, inClusterCredentials, kubeconfigCredentials } from './api-client.js';
import type { KubernetesConfig } from './config.js';
import { PodSecretTable } from './pod-table.js';
import { PodWatch, type PodWatchStatus } from './pod-watch.js';

export type { KubernetesConfig } from './config.js';
export { PodSecretTable } from './pod-table.js';

export interface PodSecrets {
  readonly table: PodSecretTable;
  status(): PodWatchStatus;
  /**
   * Resolves true once the first pod list is in the table, false after `timeoutMs` or when `signal` aborts:
   * `run` starts correlating after it (beside the warm-up), so the first reads meet the pods' mounts.
   */
  firstSync(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  stop(): Promise<void>;
}

export interface PodSecretsDeps {
  logger: Logger;
  metrics: Metrics;
  node: string;
  env?: NodeJS.ProcessEnv;
  /** The service-account directory (tests). */
  serviceAccountDir?: string;
  /** Back-off bounds (tests). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** A list page's time limit (tests). */
  listTimeoutMs?: number;
}

/** Null when the feature is off (`off`, or `auto` out of a cluster). Never throws for an unreachable API server. */
export async function startPodSecrets(config: KubernetesConfig, deps: PodSecretsDeps): Promise<PodSecrets | null> {
  if (config.podSecrets === 'off') return null;
  const creds: ApiCredentials | null =
    config.kubeconfig !== undefined
      ? await kubeconfigCredentials(config.kubeconfig)
      : inClusterCredentials(deps.env, deps.serviceAccountDir);
  if (creds === null) {
    if (config.podSecrets === 'on') {
      deps.logger.warn(
        'kubernetes.podSecrets is on, but there is no service account here (KUBERNETES_SERVICE_HOST and its token) and no kubernetes.kubeconfig: secret mounts chosen by pod specs are not known',
      );
    }
    return null;
  }
  const table = new PodSecretTable(config.maxPods, deps.metrics.podSecretsDropped, deps.metrics.podSecretPods);
  const watch = new PodWatch(
    creds,
    table,
    {
      node: deps.node,
      watchTimeoutSeconds: config.watchTimeoutSeconds,
      backoffMinMs: deps.backoffMinMs,
      backoffMaxMs: deps.backoffMaxMs,
      listTimeoutMs: deps.listTimeoutMs,
    },
    { logger: deps.logger, apiErrors: (reason) => deps.metrics.kubernetesApiErrors.labels(reason).inc() },
  );
  watch.start();
  return {
    table,
    status: () => watch.status(),
    firstSync: async (timeoutMs, signal) => {
      // Its own abort too, so a list that comes first leaves no timer behind.
      const done = new AbortController();
      const until = signal ? AbortSignal.any([signal, done.signal]) : done.signal;
      try {
        return await Promise.race([watch.firstSync.then(() => true), sleep(timeoutMs, until).then(() => false)]);
      } finally {
        done.abort();
      }
    },
    stop: () => watch.stop(),
  };
}
