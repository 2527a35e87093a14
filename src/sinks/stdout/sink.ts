/**
 * Alerts as JSON lines on stdout (`--alerts-stdout`, log-based pipelines). Logs go to stderr, so stdout
 * carries nothing but alerts. One line at a time: `send` says ok once the stream has written the line
 * (handed it to the pipe, file or terminal), so exfilwatch_alerts_published_total{sink="stdout"} counts
 * written lines, and a line is counted once, written or dropped. A line the stream merely buffered was
 * counted published then, and dropped again at shutdown when the reader never took it.
 *
 * When the reader stops reading, the line being written waits; meanwhile this sink's own delivery queue fills
 * (pipeline/sink-delivery.ts): in the daemon, new alerts are then dropped for stdout alone, counted, while
 * the other sinks go on; `scan` waits. A line still unwritten when `flush`'s deadline passes dies with the
 * process: counted (reason `shutdown`) and logged there, and never counted published after.
 */
import type { Writable } from 'node:stream';
import { errorMessage, SinkError } from '../../errors.js';
import type { Alert } from '../../model/alert.js';
import type { AlertSink, SinkDeps, SinkResult } from '../types.js';

export function createStdoutSink(
  out: Writable = process.stdout,
  deps: Pick<SinkDeps, 'logger' | 'metrics'>,
): AlertSink {
  let broken: Error | null = null;
  // exfilwatch_sink_up{sink="stdout"}: 1 while the stream takes lines, 0 once it is broken for good (EPIPE:
  // the reader went away) — a reader that is merely slow keeps it 1 (its lines wait, see above).
  const up = deps.metrics.sinkUp.labels('stdout');
  const onError = (err: Error) => {
    broken = err;
    up.set(0);
  };
  /** Lines handed to the stream whose write has not completed: what a process exit would lose. */
  let inFlight = 0;
  /** Of those, the oldest ones a flush's deadline already counted as lost (writes complete in order). */
  let countedInFlight = 0;
  let allDone: (() => void) | null = null;
  const writeFailed = () => deps.metrics.alertsDropped.labels('stdout', 'write_failed').inc();

  /** Resolves with the write's error (null once written); never, when a flush already counted the line lost. */
  const write = (line: string) =>
    new Promise<Error | null>((resolve) => {
      inFlight++;
      out.write(line, (err) => {
        inFlight--;
        const countedLost = countedInFlight > 0;
        if (countedLost) countedInFlight--;
        if (inFlight === 0) allDone?.();
        // Counted as dropped at the shutdown deadline: saying ok (or failed) now would count it twice. Its
        // delivery loop was abandoned before the flush; nobody waits for this send.
        if (!countedLost) resolve(err ?? null);
      });
    });

  return {
    name: 'stdout',
    async start() {
      out.on('error', onError);
      up.set(broken || out.destroyed ? 0 : 1);
    },
    async send(alert: Alert): Promise<SinkResult> {
      // A closed pipe (EPIPE: the reader went away) will not come back: fail rather than retry forever.
      if (broken || out.destroyed) {
        up.set(0);
        writeFailed();
        return {
          status: 'failed',
          error: new SinkError('stdout', `stdout is closed: ${broken?.message ?? 'destroyed'}`),
        };
      }
      const err = await write(`${JSON.stringify(alert)}\n`);
      if (err === null) return { status: 'ok' };
      up.set(0);
      writeFailed();
      return { status: 'failed', error: new SinkError('stdout', errorMessage(err), { cause: err }) };
    },
    async flush(timeoutMs: number) {
      if (inFlight > countedInFlight && !out.destroyed) {
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
      deps.metrics.alertPublishFailures.labels('stdout').inc(lost);
      // The flush gets what is left of the shutdown timeout, which a stalled reader has used up in the delivery
      // loop: named for what it is, so a `0` here is not read as a zero shutdown timeout.
      deps.logger.error(
        { sink: 'stdout', alerts: lost, flushWaitMs: timeoutMs },
        'lines stdout had not written by the shutdown deadline (the reader stopped reading) are lost with this process (counted in exfilwatch_alerts_dropped_total{reason="shutdown"})',
      );
    },
    async close() {
      out.off('error', onError);
      up.set(0);
    },
  };
}
