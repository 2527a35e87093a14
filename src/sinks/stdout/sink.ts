/**
 * Alerts as JSON lines on stdout (`--alerts-stdout`, log-based pipelines). Logs go to stderr, so stdout
 * carries nothing but alerts. Back-pressure is honoured: when the stream's buffer is full, `send` waits
 * for 'drain'. Meanwhile this sink's own delivery queue fills (pipeline/sink-delivery.ts): in the daemon,
 * new alerts are then dropped for stdout alone, counted, while the other sinks go on; `scan` waits.
 */
import type { Writable } from 'node:stream';
import { errorMessage, SinkError } from '../../errors.js';
import type { Alert } from '../../model/alert.js';
import type { AlertSink, SinkResult } from '../types.js';

const waitFor = (stream: Writable, event: 'drain' | 'finish') =>
  new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      stream.off(event, onDone);
      reject(err);
    };
    const onDone = () => {
      stream.off('error', onError);
      resolve();
    };
    stream.once(event, onDone);
    stream.once('error', onError);
  });

export function createStdoutSink(out: Writable = process.stdout): AlertSink {
  let broken: Error | null = null;
  const onError = (err: Error) => {
    broken = err;
  };
  return {
    name: 'stdout',
    async start() {
      out.on('error', onError);
    },
    async send(alert: Alert): Promise<SinkResult> {
      // A closed pipe (EPIPE: the reader went away) will not come back: fail rather than retry forever.
      if (broken || out.destroyed)
        return {
          status: 'failed',
          error: new SinkError('stdout', `stdout is closed: ${broken?.message ?? 'destroyed'}`),
        };
      try {
        if (!out.write(`${JSON.stringify(alert)}\n`)) await waitFor(out, 'drain');
        return { status: 'ok' };
      } catch (err) {
        return { status: 'failed', error: new SinkError('stdout', errorMessage(err), { cause: err }) };
      }
    },
    async flush(timeoutMs: number) {
      if (out.writableLength === 0 || out.destroyed) return;
      await Promise.race([
        waitFor(out, 'drain').catch(() => undefined),
        new Promise((r) => setTimeout(r, timeoutMs).unref()),
      ]);
    },
    async close() {
      out.off('error', onError);
    },
  };
}
