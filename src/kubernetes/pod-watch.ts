/**
 * List, then watch, this node's pods (`fieldSelector=spec.nodeName=NODE`), keeping their secret mounts in a
 * PodSecretTable: the informer pattern on two GETs. The list's resourceVersion starts the watch; each event
 * and bookmark moves it on; a watch that ends (its timeoutSeconds) is renewed from it; 410 Gone (the version
 * was compacted away) lists again, and the fresh list replaces the table (pods deleted meanwhile forgotten).
 * Errors back off with jitter and are retried for ever; the table keeps what it knew meanwhile.
 */
import { errorMessage, KubernetesApiError } from '../errors.js';
import { createLineSplitter } from '../io/line-splitter.js';
import { sleep } from '../io/sleep.js';
import { backoffDelayMs } from '../pipeline/backoff.js';
import type { Logger } from '../telemetry/logger.js';
import { type ApiCredentials, apiGet, apiGetJson, statusError } from './api-client.js';
import { type PodSecretMounts, podIdentity, podSecretMounts } from './pod-mounts.js';
import type { PodSecretTable } from './pod-table.js';

/** `reason` on exfilwatch_kubernetes_api_errors_total. */
export type ApiErrorReason = 'unreachable' | 'unauthorized' | 'forbidden' | 'http' | 'decode';

export interface PodWatchOptions {
  node: string;
  watchTimeoutSeconds: number;
  /** One list page that takes longer is given up and retried (default 60 s). */
  listTimeoutMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** A watch line longer than this is skipped (a pod object is a few KiB; the default allows 4 MiB). */
  maxLineBytes?: number;
}

export interface PodWatchDeps {
  logger: Logger;
  apiErrors(reason: ApiErrorReason): void;
}

export interface PodWatchStatus {
  /** A list has succeeded and the watch is not failing. */
  synced: boolean;
  podsWithSecretMounts: number;
  lastError: string | null;
}

/** Pods per list page (a node runs at most a few hundred). */
const LIST_PAGE_PODS = 500;
/** A watch that ends sooner than this with no event is a failure (see watch()). */
const SHORT_WATCH_MS = 1000;

/** The resourceVersion asked for is too old: list again. */
class Gone extends Error {}

export class PodWatch {
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private synced = false;
  private lastError: string | null = null;
  /**
   * The error last warned of, until a watch has worked (an event, or its full course): a list or a watch's 200
   * that the same failure follows (a watch Gone from the newest list, one closed at once) is no recovery to log,
   * or each back-off logged the warning and 'recovered' again.
   */
  private warnedError: string | null = null;
  private announced = false;
  private readonly selector: string;
  private markFirstSync: () => void = () => undefined;
  /** Resolves at the first list (never, while the API server cannot be listed). */
  readonly firstSync = new Promise<void>((done) => {
    this.markFirstSync = done;
  });

  constructor(
    private readonly creds: ApiCredentials,
    private readonly table: PodSecretTable,
    private readonly o: PodWatchOptions,
    private readonly deps: PodWatchDeps,
  ) {
    this.selector = `fieldSelector=${encodeURIComponent(`spec.nodeName=${o.node}`)}`;
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  status(): PodWatchStatus {
    return { synced: this.synced, podsWithSecretMounts: this.table.size, lastError: this.lastError };
  }

  private async loop(): Promise<void> {
    let version: string | null = null;
    let failures = 0;
    // The list whose version the running watch started from, while that watch has had no event: a Gone then
    // means a list from the watch cache came from one behind the one watching (another API server), and
    // listing from it again could loop. As client-go's reflector, the next list is then a consistent read.
    let listedFrom: 'cache' | 'newest' | null = null;
    let listNewest = false;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        if (version === null) {
          version = await this.list(listNewest);
          listedFrom = listNewest ? 'newest' : 'cache';
          listNewest = false;
          if (!this.announced && this.warnedError === null)
            this.deps.logger.info(
              { pods: this.table.size, node: this.o.node },
              "kubernetes: watching this node's pods for secret mounts",
            );
          this.announced = true;
          this.recovered();
        }
        version = await this.watch(version, () => {
          failures = 0;
          listedFrom = null;
          this.settled();
        });
        // A watch that ran its course: the back-off starts over (not at a list, which a watch Gone at once follows).
        failures = 0;
        listedFrom = null;
        this.settled();
      } catch (err) {
        if (signal.aborted) break;
        let failure = err;
        if (err instanceof Gone) {
          version = null;
          if (listedFrom !== 'newest') {
            listNewest = listedFrom === 'cache';
            listedFrom = null;
            this.deps.logger.debug(
              { newest: listNewest },
              'kubernetes: watch version expired (410 Gone): listing again',
            );
            continue;
          }
          // Gone even from the newest version: a server that does so must not be listed in a hot loop.
          listNewest = true;
          failure = new KubernetesApiError('the watch from the newest pod list was gone at once (410)', 410);
        }
        listedFrom = null;
        this.failed(failure);
        const delay = backoffDelayMs(failures++, this.o.backoffMinMs ?? 1000, this.o.backoffMaxMs ?? 60_000);
        await sleep(delay, signal).catch(() => undefined);
      }
    }
  }

  /** A list, or a watch renewed from its version after a failure, was answered: the table is current again. */
  private recovered(): void {
    this.synced = true;
    this.lastError = null;
    this.markFirstSync();
  }

  /** A watch worked (an event, or its full course): a failure warned of is over, and said so once. */
  private settled(): void {
    if (this.warnedError === null) return;
    this.warnedError = null;
    this.deps.logger.info({ pods: this.table.size }, 'kubernetes: pod list/watch recovered; secret mounts known again');
  }

  private failed(err: unknown): void {
    const status = err instanceof KubernetesApiError ? err.status : null;
    const reason: ApiErrorReason =
      status === null ? 'unreachable' : status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'http';
    this.deps.apiErrors(reason);
    this.synced = false;
    const message = errorMessage(err);
    this.lastError = message;
    if (message === this.warnedError) return;
    this.warnedError = message;
    const hint =
      reason === 'forbidden'
        ? "the service account needs RBAC get/list/watch on pods (the chart's ClusterRole exfilwatch)"
        : reason === 'unauthorized'
          ? 'the service-account token was refused (automountServiceAccountToken must be true)'
          : reason === 'unreachable'
            ? 'a NetworkPolicy must allow egress to the API server (networkPolicy.apiServerTo)'
            : 'retrying';
    this.deps.logger.warn(
      { err: message, reason, hint },
      'kubernetes: cannot list/watch pods; secret mounts chosen by pod specs are not known (retrying with back-off; detection falls back to paths)',
    );
  }

  /**
   * Every page of the list; returns its resourceVersion. The table becomes what it lists. `consistent`: the
   * newest version (a quorum read), not the watch cache's.
   */
  private async list(consistent = false): Promise<string> {
    const pods: PodSecretMounts[] = [];
    let next: string | null = null;
    for (;;) {
      // resourceVersion=0: served from the API server's watch cache, as client-go's informers list. Without it
      // every list is a quorum read of every pod in etcd, filtered by node afterwards (etcd has no field
      // selectors): each node's daemon, at every rollout and relist, read the whole cluster's pods. A continue
      // page carries its token only (the API server refuses both).
      const from = next !== null ? `&continue=${encodeURIComponent(next)}` : consistent ? '' : '&resourceVersion=0';
      const page = `/api/v1/pods?${this.selector}&limit=${LIST_PAGE_PODS}${from}`;
      let body: Record<string, unknown>;
      try {
        // Bounded: an API server (or a proxy) that takes the request and never answers held the loop for good,
        // with nothing counted and the table never filled.
        const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.o.listTimeoutMs ?? 60_000)]);
        body = (await apiGetJson(this.creds, page, signal)) as Record<string, unknown>;
      } catch (err) {
        // A continue token outlived: the list starts over (it is never mixed from two versions).
        if (err instanceof KubernetesApiError && err.status === 410 && next !== null) {
          pods.length = 0;
          next = null;
          continue;
        }
        throw err;
      }
      for (const item of Array.isArray(body.items) ? body.items : []) {
        const mounts = podSecretMounts(item);
        if (mounts !== null) pods.push(mounts);
      }
      const meta = (body.metadata ?? {}) as Record<string, unknown>;
      next = typeof meta.continue === 'string' && meta.continue !== '' ? meta.continue : null;
      if (next === null) {
        this.table.replace(pods);
        if (typeof meta.resourceVersion !== 'string')
          throw new KubernetesApiError('pod list without a resourceVersion', 200);
        return meta.resourceVersion;
      }
    }
  }

  /** One watch request from `version`; returns the version to renew it from. */
  private async watch(version: string, progressed: () => void): Promise<string> {
    const timeout = this.o.watchTimeoutSeconds;
    const path = `/api/v1/pods?${this.selector}&watch=true&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(version)}&timeoutSeconds=${timeout}`;
    // The server ends the watch after timeoutSeconds; one that stalls past it (a dead connection) is cut here.
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout((timeout + 30) * 1000)]);
    const res = await apiGet(this.creds, path, signal);
    if (res.status === 410) {
      res.body.destroy();
      throw new Gone();
    }
    if (res.status !== 200) {
      const chunks: Buffer[] = [];
      for await (const chunk of res.body) chunks.push(chunk as Buffer);
      throw statusError(res.status, Buffer.concat(chunks).toString('utf8'));
    }
    this.recovered();
    const startedAt = performance.now();
    let lines = 0;
    let current = version;
    let gone = false;
    let failure: KubernetesApiError | null = null;
    const splitter = createLineSplitter({
      maxLineBytes: this.o.maxLineBytes ?? 4 << 20,
      onOversize: () => this.deps.apiErrors('decode'),
      onLine: (line) => {
        if (gone || failure !== null || line.trim() === '') return;
        lines++;
        const outcome = this.apply(line);
        if (outcome === 'gone') gone = true;
        else if (outcome instanceof KubernetesApiError) failure = outcome;
        else if (outcome !== null) {
          current = outcome;
          progressed();
        }
      },
    });
    try {
      for await (const chunk of res.body) {
        splitter.push(chunk as Buffer);
        if (gone || failure !== null) break;
      }
    } catch (err) {
      // The server or a timeout cut the stream: renew from the last version seen, as after its end.
      if (this.abort.signal.aborted) throw err;
    } finally {
      res.body.destroy();
    }
    if (gone) throw new Gone();
    if (failure !== null) throw failure;
    // The API server holds a watch for timeoutSeconds; one closed at once with nothing in it (a proxy or load
    // balancer in the way, a server shutting down) is a failure, backed off, or it was renewed in a hot loop
    // (client-go's reflector treats a watch under a second with no items the same way).
    if (lines === 0 && performance.now() - startedAt < SHORT_WATCH_MS)
      throw new KubernetesApiError('the watch ended at once with no event', 200);
    return current;
  }

  /** One watch event: the version it moves to, 'gone', an ERROR's error, or null (nothing to move on). */
  private apply(line: string): string | 'gone' | KubernetesApiError | null {
    let event: { type?: unknown; object?: Record<string, unknown> };
    try {
      event = JSON.parse(line);
    } catch {
      this.deps.apiErrors('decode');
      return null;
    }
    const object = event.object ?? {};
    const meta = (object.metadata ?? {}) as Record<string, unknown>;
    const version = typeof meta.resourceVersion === 'string' ? meta.resourceVersion : null;
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const mounts = podSecretMounts(object);
        if (mounts === null) this.deps.apiErrors('decode');
        else this.table.set(mounts);
        return version;
      }
      case 'DELETED': {
        const id = podIdentity(object);
        if (id !== null) this.table.delete(id.namespace, id.name);
        return version;
      }
      case 'BOOKMARK':
        return version;
      case 'ERROR': {
        const code = typeof object.code === 'number' ? object.code : 0;
        if (code === 410) return 'gone';
        return statusError(code, JSON.stringify(object));
      }
      default:
        this.deps.apiErrors('decode');
        return null;
    }
  }
}
