import { describe, expect, it } from 'vitest';
import { sinkDefinitions } from '../../../src/sinks/index.js';
import { sinkSchemaDefinitions } from '../../../src/sinks/schemas.js';
import { sourceDefinitions } from '../../../src/sources/index.js';
import { sourceSchemaDefinitions } from '../../../src/sources/schemas.js';

// The daemon builds from the runtime registries (no schemas, no zod); config and docs come from the schema
// registries. A type added to one and not the other would be configurable but never built, or the reverse.
describe('runtime and schema registries', () => {
  it('list the same source types, in the same order, with the same factories', () => {
    expect(sourceDefinitions.map((d) => [d.type, d.configKey])).toEqual(
      sourceSchemaDefinitions.map((d) => [d.type, d.configKey]),
    );
    sourceDefinitions.forEach((d, i) => {
      expect(d.create).toBe(sourceSchemaDefinitions[i]!.create);
    });
  });

  it('list the same sink types, in the same order, with the same factories and defaults', () => {
    expect(sinkDefinitions.map((d) => [d.type, d.configKey, d.enabledByDefault])).toEqual(
      sinkSchemaDefinitions.map((d) => [d.type, d.configKey, d.enabledByDefault]),
    );
    sinkDefinitions.forEach((d, i) => {
      expect(d.create).toBe(sinkSchemaDefinitions[i]!.create);
    });
  });

  it('runtime entries carry no zod schema', () => {
    for (const d of [...sourceDefinitions, ...sinkDefinitions]) {
      expect('_zod' in ((d as { schema?: object }).schema ?? {})).toBe(false);
    }
  });
});
