/**
 * Every measured path runs in its own child process: its RSS and CPU time are its own, and a baseline
 * and the path it is compared with get the same kind of process. Children talk to the orchestrator over
 * the IPC channel: `{type: 'ready' | 'result' | 'error', …}`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { childScript } from './compile.js';

export interface ChildMessage {
  type: string;
  [key: string]: unknown;
}

export interface Child {
  proc: ChildProcess;
  /** Resolves with the first message of this type (rejects if the child fails or exits first). */
  next<T extends ChildMessage>(type: string): Promise<T>;
  send(message: ChildMessage): void;
  /** Ends the child (SIGTERM, then SIGKILL after a moment) and waits for it to exit. */
  stop(): Promise<void>;
  readonly exited: Promise<number | null>;
}

export interface SpawnOptions {
  /** Extra node flags (`--expose-gc`, `--cpu-prof`…). */
  nodeFlags?: string[];
  /** Kill the child if it has not exited after this long. */
  timeoutMs?: number;
}

/** Starts `bench/children/<name>` (compiled: see compile.ts) with `args`. */
export function spawnChild(name: string, args: string[], options: SpawnOptions = {}): Child {
  const proc = fork(childScript(name), args, {
    execArgv: options.nodeFlags ?? [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<string, Array<{ resolve: (m: ChildMessage) => void; reject: (e: Error) => void }>>();
  const early = new Map<string, ChildMessage[]>();
  let failure: Error | null = null;
  const failAll = (err: Error) => {
    failure ??= err;
    for (const list of waiting.values()) for (const w of list) w.reject(failure);
    waiting.clear();
  };
  proc.on('message', (raw) => {
    const msg = raw as ChildMessage;
    if (msg.type === 'error') {
      failAll(new Error(`${name}: ${String(msg.message)}`));
      return;
    }
    const list = waiting.get(msg.type);
    const w = list?.shift();
    if (w) w.resolve(msg);
    else early.set(msg.type, [...(early.get(msg.type) ?? []), msg]);
  });
  const exited = new Promise<number | null>((resolve) => {
    proc.on('exit', (code, signal) => {
      failAll(new Error(`${name} exited (${signal ?? `code ${code}`}) before answering`));
      resolve(code);
    });
  });
  const timer = options.timeoutMs
    ? setTimeout(() => {
        failAll(new Error(`${name} timed out after ${options.timeoutMs} ms`));
        proc.kill('SIGKILL');
      }, options.timeoutMs)
    : null;
  void exited.then(() => timer && clearTimeout(timer));
  return {
    proc,
    exited,
    next<T extends ChildMessage>(type: string): Promise<T> {
      const queued = early.get(type)?.shift();
      if (queued) return Promise.resolve(queued as T);
      if (failure) return Promise.reject(failure);
      return new Promise<T>((resolve, reject) => {
        waiting.set(type, [...(waiting.get(type) ?? []), { resolve: resolve as (m: ChildMessage) => void, reject }]);
      });
    },
    send(message) {
      if (proc.connected) proc.send(message);
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Runs a child to its single `result` message and waits for it to exit. */
export async function runToResult<T extends ChildMessage>(
  name: string,
  args: string[],
  options: SpawnOptions = {},
): Promise<T> {
  const child = spawnChild(name, args, options);
  try {
    return await child.next<T>('result');
  } finally {
    // Children exit by themselves after their result (so --cpu-prof profiles get written); stragglers go.
    const killer = setTimeout(() => void child.stop(), 5_000);
    await child.exited;
    clearTimeout(killer);
  }
}

// ---- inside a child ----

/** Sends a message to the orchestrator. */
export function tell(message: ChildMessage): void {
  process.send?.(message);
}

/** `--key value` pairs of the child's argv. */
export function childArgs(): Record<string, string> {
  const out: Record<string, string> = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i]!.replace(/^--/, '')] = argv[i + 1] ?? '';
  return out;
}

/** Runs a child's main; any failure is reported to the orchestrator as one line, then the child exits. */
export function childMain(main: () => Promise<void>): void {
  process.on('disconnect', () => process.exit(0));
  main().then(
    // Long-running children (servers) never resolve; the others are done once they told their result.
    () => setTimeout(() => process.exit(0), 50),
    (err: unknown) => {
      tell({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      setTimeout(() => process.exit(1), 100);
    },
  );
}

/** Peak RSS of this process so far, MB (getrusage maxrss). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
