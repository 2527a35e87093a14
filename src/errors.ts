/**
 * The few named errors exfilwatch raises. Setup errors reject start-up (exit 2 for config, 1 otherwise);
 * runtime errors are counted and logged and never end a stream.
 */

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** Dotted key path (`sources.tetragonGrpc[0].address`) or flag name (`--tetragon`). */
  readonly keyPath: string;
  constructor(keyPath: string, message: string, options?: { cause?: unknown }) {
    super(`${keyPath}: ${message}`, options);
    this.keyPath = keyPath;
  }
}

/** A raw event (JSON line, protobuf frame, HTTP body) could not be decoded. Counted, never fatal. */
export class DecodeError extends Error {
  override name = 'DecodeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A sensor connection failed or ended; sources reconnect by themselves and report this for logging. */
export class SourceDisconnectedError extends Error {
  override name = 'SourceDisconnectedError';
  readonly source: string;
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(`${source}: ${message}`, options);
    this.source = source;
  }
}

/**
 * A source stopped for good at run time, for a reason retrying cannot fix and that is no config error (its
 * listen address is in use, say). A configured source that cannot run leaves its sensor unwatched, so the
 * daemon stops and exits 1 with this message rather than carry on half blind.
 */
export class SourceFailedError extends Error {
  override name = 'SourceFailedError';
  readonly source: string;
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(`${source}: ${message}`, options);
    this.source = source;
  }
}

/** A sink could not deliver an alert. */
export class SinkError extends Error {
  override name = 'SinkError';
  readonly sink: string;
  constructor(sink: string, message: string, options?: { cause?: unknown }) {
    super(`${sink}: ${message}`, options);
    this.sink = sink;
  }
}

/**
 * The Kubernetes API server could not be reached or refused a request (src/kubernetes/). Counted, logged and
 * retried; never fatal: detection falls back to paths. `status` is the HTTP status, null when none came.
 */
export class KubernetesApiError extends Error {
  override name = 'KubernetesApiError';
  readonly status: number | null;
  constructor(message: string, status: number | null, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
