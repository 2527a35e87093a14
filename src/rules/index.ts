/**
 * The detection rules, declared in one literal array (STYLE: registries are literal arrays). Every judged
 * push is offered to the rules in this order; the first that matches names the alert and its severity.
 * The last rule matches everything, so every push that is not allowlisted yields exactly one alert.
 */
import type { RuleDefinition } from './types.js';

export { pushTools } from './push-tools.js';
export { type PushRecognition, type Recognition, recognizeProcess } from './recognize.js';
export { isSigningKey } from './signing-keys.js';
export type { PushFacts, PushToolSpec, RuleDefinition, RuleThresholds } from './types.js';

export const rules: readonly RuleDefinition[] = [
  {
    id: 'bulk-read-then-push',
    description: 'A push preceded, within the window, by bulk reads in the same container.',
    severityText: 'critical when secrets were read too or reads reach criticalBulkFactor × bulkReadBytes; else high',
    matches: (f, t) => f.readBytes >= t.bulkReadBytes,
    severity: (f, t) =>
      f.sensitiveFiles > 0 || f.readBytes >= t.bulkReadBytes * t.criticalBulkFactor ? 'critical' : 'high',
  },
  {
    id: 'sensitive-read-then-push',
    description: 'A push preceded, within the window, by reads of credentials or secrets in the same container.',
    severityText: 'high',
    matches: (f) => f.sensitiveFiles > 0,
    severity: () => 'high',
  },
  {
    id: 'push-after-moderate-reads',
    description: 'A push preceded by moderate reads (bytes or distinct files) or by archive staging.',
    severityText: 'medium',
    matches: (f, t) => f.readBytes >= t.moderateReadBytes || f.readFiles >= t.moderateReadFiles || f.archiveStaging,
    severity: () => 'medium',
  },
  {
    id: 'renamed-binary-push',
    description: 'A push by a renamed or copied tool, an unknown binary, or a tool started from a temporary location.',
    severityText: 'medium',
    matches: (f) => f.renamedOrUnexpected,
    severity: () => 'medium',
  },
  {
    id: 'bulk-push-without-reads',
    description:
      'A push that sent bulk data with no notable reads before it: read before the window (staged earlier), or in ways the sensor cannot size.',
    severityText: 'medium',
    matches: (f, t) => f.egressBytes >= t.bulkEgressBytes,
    severity: () => 'medium',
  },
  {
    id: 'push-without-reads',
    description: 'A push with no notable reads before it.',
    severityText: 'low',
    matches: () => true,
    severity: () => 'low',
  },
];

export const RULE_IDS: readonly string[] = rules.map((r) => r.id);
