/**
 * The workload's fixed names, in a module of their own: measured children (bench/lib/app-config.ts) need
 * the node name but must not load the generator (./build.ts pulls in the scenario library and renderers,
 * which the daemon never holds).
 */
export const BENCH_NODE = 'bench-node-1';
/** 2026-03-02T10:00:00Z */
export const BENCH_START_MS = 1_772_445_600_000;
