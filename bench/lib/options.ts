/** Bench sizes per mode: `--quick` (< 30 s), default (< 3 min), `--full` (the 10M-event memory run). */

export type BenchMode = 'quick' | 'default' | 'full';

export interface BenchOptions {
  mode: BenchMode;
  /** Background events in the gRPC / JSON-lines workload. */
  events: number;
  /** Containers in that workload. */
  containers: number;
  /** Runs of each throughput pair (baseline, path); the report takes medians. */
  reps: number;
  falcoSeconds: number;
  /** The Falco load's first seconds, before the measured window: the receiver's cold start, reported beside it. */
  falcoWarmSeconds: number;
  falcoConnections: number;
  falcoEvents: number;
  memoryContainers: number;
  /** Events fed to the correlator at each memory checkpoint (the first is the reference). */
  memoryCheckpoints: number[];
  seed: number;
  /** Also measure the tetragon-grpc source with its ingest worker thread on and off. */
  workerModes: boolean;
  /** Write CPU profiles of the measured children into .tmp/bench/profiles/. */
  profile: boolean;
  /** Run only these sections (`--only grpc,scan`); null = all. A partial run is saved apart from full ones. */
  only: ReadonlySet<BenchSection> | null;
}

export const BENCH_SECTIONS = ['grpc', 'scan', 'falco', 'memory'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

export const USAGE = `usage: npm run bench -- [--quick | --full] [--reps N] [--seed N] [--containers N] [--profile]
  (default)  ~2-3 min: 200k-event streams, memory 1M vs 3M events with 10,000 containers
  --quick    < 30 s once the workload is cached: 20k-event streams, memory 150k vs 300k events (a smoke run; by 150k every one of the 10,000 containers has been seen)
  --full     the issue's memory check: 1M vs 10M events (several minutes)
  --reps N   runs per throughput pair (median reported)
  --containers N  containers in the gRPC / JSON-lines workload instead of the mode's (5,000 by default): a
             node's own scale; the memory section keeps its 10,000 (saved as results-<mode>-c<N>-…)
  --profile  write --cpu-prof profiles of the measured children to .tmp/bench/profiles/
  --only S   only these sections, comma-separated: ${BENCH_SECTIONS.join(',')} (saved as results-<mode>-only-…)`;

/** Each mode's sizes: its standard workload and runs. */
const MODE_SIZES: Record<BenchMode, Omit<BenchOptions, 'mode' | 'seed' | 'workerModes' | 'profile' | 'only'>> = {
  quick: {
    events: 20_000,
    containers: 2_000,
    reps: 1,
    falcoSeconds: 2,
    falcoWarmSeconds: 1,
    falcoConnections: 4,
    falcoEvents: 10_000,
    memoryContainers: 10_000,
    memoryCheckpoints: [150_000, 300_000],
  },
  default: {
    events: 200_000,
    containers: 5_000,
    reps: 3,
    falcoSeconds: 5,
    falcoWarmSeconds: 2,
    falcoConnections: 4,
    falcoEvents: 50_000,
    memoryContainers: 10_000,
    memoryCheckpoints: [1_000_000, 3_000_000],
  },
  full: {
    events: 1_000_000,
    containers: 10_000,
    reps: 3,
    falcoSeconds: 10,
    falcoWarmSeconds: 3,
    falcoConnections: 4,
    falcoEvents: 50_000,
    memoryContainers: 10_000,
    memoryCheckpoints: [1_000_000, 10_000_000],
  },
};

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const mode: BenchMode = argv.includes('--quick') ? 'quick' : argv.includes('--full') ? 'full' : 'default';
  const options: BenchOptions = { mode, ...MODE_SIZES[mode], seed: 1, workerModes: true, profile: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick' || arg === '--full') continue;
    if (arg === '--profile') options.profile = true;
    else if (arg === '--reps' || arg === '--seed' || arg === '--containers') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error(`${arg} needs a positive integer`);
      if (arg === '--reps') options.reps = value;
      else if (arg === '--seed') options.seed = value;
      else options.containers = value;
    } else if (arg === '--only') {
      const names = (argv[++i] ?? '').split(',').filter(Boolean);
      const unknown = names.filter((n) => !(BENCH_SECTIONS as readonly string[]).includes(n));
      if (names.length === 0 || unknown.length > 0) {
        throw new Error(`--only takes sections from ${BENCH_SECTIONS.join(',')} (got "${argv[i] ?? ''}")`);
      }
      options.only = new Set(names as BenchSection[]);
    } else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return options;
}

/**
 * The name a run is saved under (`.tmp/bench/results-<name>-<time>.json`): the mode, then what makes it
 * not the mode's standard run — another workload (`-c<N>`), some sections only (`-only-…`).
 */
export function savedRunName(o: Pick<BenchOptions, 'mode' | 'containers' | 'only'>): string {
  // The mode's own count is its standard workload (the same cached stream): saved with the others.
  const workload = o.containers === MODE_SIZES[o.mode].containers ? '' : `-c${o.containers}`;
  const sections = o.only === null ? '' : `-only-${[...o.only].join('-')}`;
  return `${o.mode}${workload}${sections}`;
}

/** Whether a saved file is a standard run of `mode` (what bench/summarize.ts takes medians of). */
export function isStandardRun(file: string, mode: BenchMode): boolean {
  return new RegExp(`^results-${mode}-\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z\\.json$`).test(file);
}
