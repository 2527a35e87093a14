import { parseScenario } from '../../../src/scenarios/load.js';
import type { Scenario, ScenarioInput } from '../../../src/scenarios/schema.js';

/** A minimal valid scenario, overridable per test. */
export function scenario(overrides: Partial<ScenarioInput> = {}): Scenario {
  return parseScenario(
    {
      name: 'unit',
      kind: 'attack',
      title: 'unit test scenario',
      nodes: ['node-a'],
      dns: { 'github.com': '140.82.121.4' },
      containers: [
        {
          name: 'app',
          namespace: 'team',
          pod: 'app-5f7d9c8b6d-abcde',
          image: 'registry.example.com/team/app:1.0',
          labels: { app: 'app' },
          init: { binary: '/app/server' },
        },
      ],
      steps: [{ at: '1s', exec: { id: 'sh', parent: 'app', binary: '/bin/sh', args: '-c true' } }],
      expect: 'none',
      ...overrides,
    },
    'unit',
  );
}
