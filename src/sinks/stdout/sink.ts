/**
 * Alerts as JSON lines on stdout (`--alerts-stdout`, log-based pipelines). Logs go to stderr, so stdout
 * carries nothing but alerts. Back-pressure is honoured: when the stream's buffer is full, `send` waits
 * for 'drain'. Meanwhile this sink's own delivery queue fills (pipeline/sink-delivery.ts): in the daemon,
 * new alerts are then dropped for stdout alone, counted, while the other sinks go on; `scan` waits.
 * An alert is accepted once the stream buffers it; one the stream has still not written when `flush`'s
 * deadline passes (the reader stopped reading) dies with the process: counted and logged there.
 */
import type { Writable } from 'node:stream';
import { errorMessage, SinkError } from '../../errors.js';
import type { Alert } from '../../model/alert.js';
import type { AlertSink, SinkDeps, SinkResult } from '../types.js';

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

export function createStdoutSink(
  out: Writable = process.stdout,
  deps: Pick<SinkDeps, 'logger' | 'metrics'>,
): AlertSink {
  let broken: Error | null = null;
  const onError = (err: Error) => {
    broken = err;
  };
  /** Alerts handed to the stream whose write has not completed: what a process exit would lose. */
  let inFlight = 0;
  /** Of those, the oldest ones a flush's deadline already counted as lost (writes complete in order). */
  let countedInFlight = 0;
  let allDone: (() => void) | null = null;
  let writeFailuresLogged = false;
  // A line `send` reported delivered whose write then failed (EPIPE: the reader went away) is lost when it
  // fails: counted then, under its own reason, not left for the shutdown's count. One whose failure `send`
  // itself returned is the pipeline's to count (a publish failure), not this.
  const writeDone = (err: Error | null | undefined, acceptedOk: boolean) => {
    inFlight--;
    if (countedInFlight > 0) countedInFlight--;
    else if (err && acceptedOk) {
      deps.metrics.alertsDropped.labels('stdout', 'write_failed').inc();
      deps.metrics.alertPublishFailures.labels('stdout').inc();
      if (!writeFailuresLogged) {
        writeFailuresLogged = true;
        deps.logger.error(
          { sink: 'stdout', err: errorMessage(err) },
          'a line accepted for stdout failed to be written: lost (counted in exfilwatch_alerts_dropped_total{reason="write_failed"}); the sink fails from now on',
        );
      }
    }
    if (inFlight === 0) allDone?.();
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
        inFlight++;
        let acceptedOk = false;
        // The callback runs once the line is written, or failed (then 'error' marks the sink broken too).
        const written = out.write(`${JSON.stringify(alert)}\n`, (err) => writeDone(err, acceptedOk));
        if (!written) await waitFor(out, 'drain');
        acceptedOk = true;
        return { status: 'ok' };
      } catch (err) {
        return { status: 'failed', error: new SinkError('stdout', errorMessage(err), { cause: err }) };
      }
    },
    async flush(timeoutMs: number) {
      if (inFlight > 0 && !out.destroyed) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => {
            allDone = resolve;
          }),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, timeoutMs);
            timer.unref();
          }),
        ]);
        clearTimeout(timer);
        allDone = null;
      }
      const lost = inFlight - countedInFlight;
      if (lost <= 0) return;
      countedInFlight += lost;
      deps.metrics.alertsDropped.labels('stdout', 'shutdown').inc(lost);
      deps.logger.error(
        { sink: 'stdout', alerts: lost, timeoutMs },
        'alerts accepted for stdout were never written (the reader stopped reading): lost with this process (counted in exfilwatch_alerts_dropped_total{reason="shutdown"})',
      );
    },
    async close() {
      out.off('error', onError);
    },
  };
}
