/**
 * `exfilwatch demo`: the whole product on a laptop. A simulated sensor replays the bundled scenarios
 * (time-compressed, interleaved with background traffic) into the real pipeline — createApp with the same
 * source `run` would use against a node's sensor — while /metrics is served; alerts print as human
 * blocks, and a verdict says whether every attack was caught and every benign scenario stayed quiet.
 */
import { type AppDeps, createApp } from '../app.js';
import { type OpsServer, parseListenAddress, startOpsServer } from '../http/index.js';
import { type Clock, systemClock } from '../model/clock.js';
import type { Scenario } from '../scenarios/index.js';
import type { EventSource } from '../sources/types.js';
import { createLogger, type Logger, type LogLevel } from '../telemetry/logger.js';
import { createMetrics, type Metrics, sourceComponent } from '../telemetry/metrics.js';
import { buildDemoConfig, type DemoConfig } from './config.js';
import { createFalcoTransport } from './falco-transport.js';
import { buildRound, type DemoScenario, pace, type ReplayForm, type ReplayRound } from './plan.js';
import { createPrinterSink } from './printer-sink.js';
import { createReplayClock } from './replay-clock.js';
import { loadDemoScenarios } from './scenarios.js';
import { createTetragonTransport } from './tetragon-transport.js';
import type { ReplayTransport } from './transport.js';
import { formatSummary, judge, type Verdict } from './verdict.js';

export interface DemoOptions {
  form: ReplayForm;
  /** 1 = about `targetMs` of wall time per round; 2 = twice as fast; 0.2 = five times slower. */
  speed: number;
  /** Replay round after round (fresh ids each time) until `signal` aborts. */
  loop: boolean;
  /** HOST:PORT for /metrics; default 127.0.0.1:9464, or a free port when 9464 is taken. */
  metricsAddr?: string;
  /** NATS URL(s): alerts are published there too (the same sink `run` uses). */
  nats?: string;
  logLevel: LogLevel;
  scenarioDir?: string;
  /** ANSI colour in the alert blocks (stdout is a TTY). */
  color: boolean;
  /** Wall time of one round at speed 1 (default 8 s). */
  targetMs?: number;
  write(text: string): void;
  /** Aborting ends the replay after the current round (loop) or batch. */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  wallClock?: Clock;
}

export interface DemoResult {
  verdict: Verdict;
  eventsReplayed: number;
  metricsUrl: string | null;
  exitCode: 0 | 1;
}

const DEFAULT_METRICS_ADDR = '127.0.0.1:9464';
/** Event time left between loop rounds, so one round's windows close before the next begins. */
const ROUND_GAP_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function startMetrics(
  requested: string | undefined,
  deps: { metrics: Metrics; logger: Logger },
  app: { ready(): boolean; sources(): Array<{ id: string; type: string; up: boolean }> },
): Promise<OpsServer> {
  const base = { metrics: deps.metrics, logger: deps.logger, ready: () => app.ready(), sources: () => app.sources() };
  if (requested !== undefined)
    return startOpsServer({ ...base, listen: parseListenAddress(requested, '--metrics-addr') });
  try {
    return await startOpsServer({ ...base, listen: parseListenAddress(DEFAULT_METRICS_ADDR, '--metrics-addr') });
  } catch {
    // 9464 is taken (a real exfilwatch, another demo): any free port will do for a demo.
    return startOpsServer({ ...base, listen: { host: '127.0.0.1', port: 0 } });
  }
}

/** Events the source offered to the event queue (counted under its type, never its id: see sourceComponent). */
async function receivedCount(metrics: Metrics, source: EventSource): Promise<number> {
  const component = sourceComponent(source.type);
  return (await metrics.componentReceived.get()).values.find((v) => v.labels.component === component)?.value ?? 0;
}

/** Events the source has taken in (offered, ignored as unused, or rejected as malformed). */
async function intakeCount(metrics: Metrics, source: EventSource): Promise<number> {
  const received = await receivedCount(metrics, source);
  const dropped = (await metrics.eventsDropped.get()).values
    .filter((v) => v.labels.reason === 'ignored' || v.labels.reason === 'malformed')
    .reduce((n, v) => n + v.value, 0);
  return received + dropped;
}

/**
 * What became of the alerts NATS did not acknowledge: the demo's private spool is removed when it ends (the
 * sink's stop warning says so too, told by `spoolDiscardedAtExit`); a spool a scenario chose is kept.
 */
async function natsSummary(metrics: Metrics, privateSpoolDir: string | null): Promise<string> {
  const nats = async (c: Metrics['alertsAcked']) =>
    (await c.get()).values.find((v) => v.labels.sink === 'nats')?.value ?? 0;
  const published = await nats(metrics.alertsPublished);
  const acked = await nats(metrics.alertsAcked);
  const left = (await metrics.alertSpoolMessages.get()).values[0]?.value ?? 0;
  let line = `NATS: ${acked} of ${published} alerts acknowledged by the broker`;
  if (left > 0) {
    line +=
      privateSpoolDir === null
        ? `; ${left} still in the spool, delivered by the next exfilwatch that starts with it`
        : `; ${left} not acknowledged, discarded with the demo's private spool (start NATS first and run the demo again)`;
  }
  return `${line}\n`;
}

function firstRound(scenarios: readonly Scenario[], form: ReplayForm, wallNow: number): ReplayRound {
  // Measure the span at "now", then place the round so it ends about now: alert times look current.
  const probe = buildRound(scenarios, { form, startMs: wallNow, round: 0 });
  // Whole minutes, like the library's own start times: the correlator's verdicts are checked against those
  // (python-requests-upload's read total in the Falco form depends on the start's alignment — see report).
  const startMs = Math.floor((wallNow - probe.spanMs) / 60_000) * 60_000;
  return buildRound(scenarios, { form, startMs, round: 0 });
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const wall = options.wallClock ?? systemClock;
  const began = wall.now();
  const scenarios = loadDemoScenarios(options.scenarioDir);
  const demoConfig = buildDemoConfig(scenarios, {
    nats: options.nats,
    logLevel: options.logLevel,
    env: options.env ?? process.env,
  });
  // The private spool goes even when the CLI leaves by process.exit (a second Ctrl-C, the 1 s exit timer).
  const disposeOnExit = () => demoConfig.dispose();
  process.once('exit', disposeOnExit);
  try {
    return await replay(options, scenarios, demoConfig, began);
  } finally {
    process.off('exit', disposeOnExit);
    demoConfig.dispose();
  }
}

async function replay(
  options: DemoOptions,
  scenarios: readonly Scenario[],
  demoConfig: DemoConfig,
  began: number,
): Promise<DemoResult> {
  const { config } = demoConfig;
  // From --nats or NATS_URL alike (docs/demo.md): the header and the summary say where alerts went.
  const nats = config.sinks.nats !== undefined;
  const wall = options.wallClock ?? systemClock;
  const logger = createLogger(config.logLevel);
  const metrics = createMetrics({ defaultMetrics: true });
  const clock = createReplayClock();
  // The sink's stop warning and the summary below then both say the private spool's leftovers are gone.
  const spoolDiscardedAtExit = demoConfig.privateSpoolDir !== null;
  const deps: AppDeps = { logger, metrics, clock, node: 'exfilwatch-demo', spoolDiscardedAtExit };

  const transport: ReplayTransport =
    options.form === 'falco' ? createFalcoTransport(deps) : await createTetragonTransport(deps);
  const printer = createPrinterSink(options.write, options.color);
  // Live, as `run` is: the once-a-second advance judges pushes as the replay passes them, on the replay clock.
  const app = createApp(config, deps, { sources: [transport.source], extraSinks: [printer], live: true });

  /** Waits until the source has taken in `expected` events and the correlator has taken what it offered. */
  async function waitForIntake(expected: number, takenBefore: number, receivedBefore: number): Promise<void> {
    const deadline = wall.now() + 15_000;
    while ((await intakeCount(metrics, transport.source)) < expected && wall.now() < deadline) await sleep(20);
    const taken = await intakeCount(metrics, transport.source);
    if (taken < expected) logger.warn({ expected, taken }, 'not every replayed event reached the pipeline in time');
    const offered = (await receivedCount(metrics, transport.source)) - receivedBefore;
    while (app.stats().events - takenBefore < offered && wall.now() < deadline) await sleep(20);
  }

  let ops: OpsServer | null = null;
  let eventsReplayed = 0;
  const judged: DemoScenario[] = [];
  try {
    ops = await startMetrics(options.metricsAddr, deps, app);
    const metricsUrl = `http://${ops.address.host}:${ops.address.port}/metrics`;
    await app.start();
    await transport.ready();

    let round = firstRound(scenarios, options.form, wall.now());
    const attacks = scenarios.filter((s) => s.kind === 'attack').length;
    options.write(
      `exfilwatch demo — ${scenarios.length} scenarios (${attacks} attack, ${scenarios.length - attacks} benign) ` +
        `interleaved with background traffic from ${round.background.pods} pods on ${round.background.nodes} nodes\n` +
        `  replay:  ${transport.describe()} → correlator → alerts below${nats ? ' and NATS' : ''}\n` +
        `  metrics: ${metricsUrl}\n`,
    );

    const targetMs = (options.targetMs ?? 8000) / Math.max(0.01, options.speed);
    // The replay clock follows what the correlator has taken in: the n-th event it took is the n-th sent
    // (one ordered stream; events the source ignores only make the clock lag, the safe direction).
    let sentEmitMs: number[] = [];
    let takenBeforeRound = 0;
    const follow = setInterval(() => {
      const k = Math.min(app.stats().events - takenBeforeRound, sentEmitMs.length) - 1;
      if (k >= 0) clock.observe(sentEmitMs[k]!);
    }, 20);
    try {
      for (let n = 0; ; n++) {
        const paced = pace(round.events, targetMs);
        sentEmitMs = [];
        takenBeforeRound = app.stats().events;
        const receivedBeforeRound = await receivedCount(metrics, transport.source);
        const startedAt = wall.now();
        for (let i = 0; i < paced.length; ) {
          if (options.signal?.aborted && !options.loop) break;
          const due = wall.now() - startedAt;
          const batch: string[] = [];
          while (i < paced.length && paced[i]!.wallMs <= due) {
            sentEmitMs.push(paced[i]!.emitMs);
            batch.push(paced[i]!.line);
            i++;
          }
          if (batch.length > 0) {
            await transport.send(batch);
            eventsReplayed += batch.length;
          }
          if (i < paced.length) await sleep(Math.max(1, Math.min(50, paced[i]!.wallMs - (wall.now() - startedAt))));
        }
        judged.push(...round.scenarios);
        // Everything sent must be inside the pipeline before the round is over: stop() then drains the queue
        // and the correlator judges what is still pending.
        await waitForIntake(eventsReplayed - transport.refused(), takenBeforeRound, receivedBeforeRound);
        if (!options.loop || options.signal?.aborted) break;
        // Between rounds, let event time pass so every push of this round is judged (and printed) before the
        // next round starts; the next round begins after that gap, so nothing it sends is late.
        const nextStart = Math.ceil((round.events.at(-1)!.emitMs + ROUND_GAP_MS) / 60_000) * 60_000;
        clock.observe(nextStart);
        await sleep(1100);
        round = buildRound(scenarios, { form: options.form, startMs: nextStart, round: n + 1 });
        options.write(`\n── round ${n + 2} ──\n`);
      }
    } finally {
      clearInterval(follow);
    }
    await app.stop();

    const stats = app.stats();
    const verdict = judge(judged, printer.alerts);
    options.write(
      `\n${formatSummary({ events: eventsReplayed, alertsBySeverity: stats.alertsBySeverity, verdict, elapsedMs: wall.now() - began })}`,
    );
    if (nats) options.write(await natsSummary(metrics, demoConfig.privateSpoolDir));
    return { verdict, eventsReplayed, metricsUrl, exitCode: verdict.ok ? 0 : 1 };
  } catch (err) {
    // No log line here: the caller reports the error (the CLI prints it as its one line on stderr).
    await app.stop().catch(() => undefined);
    throw err;
  } finally {
    await transport.close().catch(() => undefined);
    await ops?.close();
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  }
}
