/**
 * The memory run's event feed, in its own process so the generator's state (10,000 simulated containers,
 * their processes and sockets) is not counted in the measured process's RSS: the background stream as the
 * Tetragon normalizer makes it, written to stdout in the compact form of bench/workload/event-codec.ts,
 * `--events N` of them, then the process exits.
 *
 * Before the stream, the shortcut (activityToEvent) and the transport are checked against the real
 * normalizer on a prefix: decode(encode(shortcut)) must deep-equal normalizeTetragonJson of the export
 * line. Any difference is printed on stderr and the feed exits 1 (the memory child then fails).
 *
 *   --events N --containers N [--step-us 200]
 */
import { childArgs } from '../lib/child.js';
import { backgroundActivities } from '../workload/background.js';
import { BENCH_NODE, BENCH_START_MS } from '../workload/build.js';
import { EventEncoder } from '../workload/event-codec.js';
import { activityToEvent } from '../workload/normalized.js';
import { shortcutMismatch } from '../workload/shortcut-check.js';

const CHECKED = 5_000;

async function main(): Promise<void> {
  const args = childArgs();
  const total = Number(args.events);
  const containers = Number(args.containers);
  const stepNs = BigInt(Math.round(Number(args['step-us'] ?? 200) * 1000));
  const stream = () =>
    backgroundActivities({
      seed: 11,
      containers,
      node: BENCH_NODE,
      startNs: BigInt(BENCH_START_MS) * 1_000_000n,
      stepNs,
    });

  const mismatch = shortcutMismatch(stream(), CHECKED);
  if (mismatch !== null) {
    throw new Error(
      `bench normalizer shortcut (through the feed's codec) differs from the Tetragon normalizer:\n${mismatch}`,
    );
  }

  const encoder = new EventEncoder();
  const out = process.stdout;
  // The reader stopped (it failed or was killed): nothing left to do.
  out.on('error', () => process.exit(1));
  const activities = stream();
  for (let i = 0; i < total; i++) {
    encoder.encode(activityToEvent(activities.next().value!));
    if (encoder.length >= 192 * 1024 && !out.write(encoder.take())) {
      await new Promise((resolve) => out.once('drain', resolve));
    }
  }
  if (encoder.length > 0) out.write(encoder.take());
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    // The reader may stop early (it failed): a broken pipe is not this process's error to report.
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') {
      process.stderr.write(`correlate-feed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    process.exit(1);
  },
);
