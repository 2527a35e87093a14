/**
 * The scenario library's surface: load descriptions, expand them into a timeline, render the timeline as
 * Tetragon or Falco JSON lines. Used by scripts/gen-scenarios.ts, the tests, `exfilwatch demo` and the
 * benchmark.
 */
import { type ExpandOptions, expandScenario } from './expand.js';
import { renderFalco } from './falco.js';
import type { Scenario } from './schema.js';
import { renderTetragon } from './tetragon.js';
import type { Timeline } from './timeline.js';

export { BACKGROUND_NODES, type BackgroundOptions, backgroundScenario, generateBackground } from './background.js';
export { type ExpandOptions, expandScenario, ScenarioError } from './expand.js';
export { FALCO_SHAPES, falcoLine, renderFalco } from './falco.js';
export { interleaveByTime } from './interleave.js';
export { defaultScenarioDir, generatedPaths, loadScenarioFile, loadScenarios, parseScenario } from './load.js';
export type { ExpectedAlert, Scenario, ScenarioInput } from './schema.js';
export { expectedFor, scenarioSchema } from './schema.js';
export { renderTetragon, TETRAGON_SHAPES, tetragonEvent } from './tetragon.js';
export type { Activity, SimContainer, SimProcess, SimSocket, Timeline } from './timeline.js';
export { mergeTimelines } from './timeline.js';

export type SensorForm = 'tetragon' | 'falco';

export interface GeneratedScenario {
  timeline: Timeline;
  tetragon: string[];
  falco: string[];
}

/** A scenario in both sensor forms (JSON lines without newlines). */
export function generateScenario(scenario: Scenario, options: ExpandOptions = {}): GeneratedScenario {
  const timeline = expandScenario(scenario, options);
  return { timeline, tetragon: renderTetragon(timeline), falco: renderFalco(timeline) };
}
