/** Shared by the both-sensors tests: a scenario's generated lines, and the alert fields the two are compared on. */
import { readFileSync } from 'node:fs';
import type { Alert } from '../../src/model/alert.js';
import { defaultScenarioDir, generatedPaths, type SensorForm } from '../../src/scenarios/index.js';

export const generatedLines = (name: string, form: SensorForm): string[] =>
  readFileSync(generatedPaths(defaultScenarioDir(), name)[form], 'utf8').split('\n').filter(Boolean);

/** What a responder acts on; the evidence as kinds and details (the sensors' times differ by nanoseconds). */
export const alertView = (alerts: Alert[]) =>
  alerts.map((a) => ({
    rule: a.rule,
    severity: a.severity,
    bytes: a.reads.bytes,
    files: a.reads.files,
    sensitive: a.reads.sensitive,
    egressBytes: a.egressBytes,
    evidence: a.evidence.map((e) => `${e.kind} ${e.detail}`),
    degraded: a.degraded,
  }));
