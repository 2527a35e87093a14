/**
 * Debian's `nats-server` for integration tests: a real broker on a loopback port the test chooses, with a
 * temp JetStream store, that can be stopped and started again on the SAME port and store (to simulate a
 * broker outage). A missing binary fails loudly with the install hint — the suite never skips.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';

export const NATS_INSTALL_HINT = 'apt-get install -y nats-server';

export interface NatsServerOptions {
  /** Start with JetStream (`-js`); default true. */
  jetstream?: boolean;
  /** Extra lines for the server config file (authorization blocks, tls …). */
  config?: string;
}

export interface NatsServer {
  readonly port: number;
  readonly url: string;
  readonly storeDir: string;
  /** Stops the process (SIGTERM, or SIGKILL with `kill: true`) and waits for it to exit. */
  stop(options?: { kill?: boolean }): Promise<void>;
  /** Starts it again on the same port and store. */
  start(): Promise<void>;
  /** Re-reads its config file (SIGHUP) without dropping clients; resolves once it says so. */
  reload(): Promise<void>;
  /** Stops it and removes the store. */
  dispose(): Promise<void>;
}

export function requireNatsServer(): void {
  const found = spawnSync('sh', ['-c', 'command -v nats-server'], { stdio: 'ignore' }).status === 0;
  if (!found) {
    throw new Error(
      `nats-server is not installed; the NATS tests run against the real broker. Install it: ${NATS_INSTALL_HINT}`,
    );
  }
}

/** The lowest port of the kernel's ephemeral range (the source ports it gives outgoing connections). */
export function ephemeralPortLow(): number {
  try {
    const low = Number.parseInt(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'), 10);
    return Number.isInteger(low) ? low : 32768;
  } catch {
    return 32768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free loopback port below the ephemeral range. A port the kernel picks for `listen(0)` is in that range,
 * so while a test's server is stopped (a broker outage) the port could be given to an outgoing connection as
 * its source port: a client retrying against the stopped server can even be given the port it dials and
 * connect to itself (TCP simultaneous open), and the restart then failed with EADDRINUSE (seen once in CI).
 * Below the range no outgoing connection ever holds it.
 */
export async function freePort(): Promise<number> {
  const high = ephemeralPortLow();
  const low = Math.max(1024, high - 12_000);
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free loopback port between ${low} and ${high}`);
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}: ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ host: '127.0.0.1', port }, () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok && /Server is ready/.test(stderr())) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not come up on port ${port}: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  requireNatsServer();
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'exfilwatch-nats-'));
  const configPath = join(storeDir, 'server.conf');
  writeFileSync(configPath, `listen: "127.0.0.1:${port}"\n${options.config ?? ''}\n`);
  const args = ['-c', configPath];
  if (options.jetstream !== false) args.push('-js', '-sd', join(storeDir, 'js'));
  let child: ChildProcess | null = null;
  let log = '';

  const start = async (): Promise<void> => {
    if (child) throw new Error('nats-server already running');
    log = '';
    const proc = spawn('nats-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    try {
      await waitForPort(port, proc, 10_000, () => log);
    } catch (err) {
      proc.kill('SIGKILL');
      child = null;
      throw err;
    }
  };

  const stop = async (o: { kill?: boolean } = {}): Promise<void> => {
    const proc = child;
    if (!proc) return;
    child = null;
    if (proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(o.kill ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };

  const reload = async (): Promise<void> => {
    const proc = child;
    if (!proc) throw new Error('nats-server is not running');
    const before = log.length;
    proc.kill('SIGHUP');
    const deadline = Date.now() + 10_000;
    while (!/Reloaded server configuration/.test(log.slice(before))) {
      // Only an error about the reload fails it: a client's authorization error (a revoked user's, which a test
      // may expect) can be logged between the signal and the reload's own line.
      if (/\[FTL\]|\[ERR\][^\n]*reload/i.test(log.slice(before)) || Date.now() > deadline)
        throw new Error(`nats-server did not reload: ${log.slice(before)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  await start();
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    storeDir,
    stop,
    start,
    reload,
    async dispose() {
      await stop({ kill: true });
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/** A plain nats.js client for checking what the broker holds; `onCleanup` gets what closes it. */
export async function natsClient(
  url: string,
  onCleanup: (close: () => Promise<void>) => void,
): Promise<NatsConnection> {
  const nc = await connect({ servers: url });
  onCleanup(() => nc.close());
  return nc;
}
