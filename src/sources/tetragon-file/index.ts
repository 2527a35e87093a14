/** `tetragon-file`: follows Tetragon's JSON export like `tail -F`. Also the JSON-lines reader scan/events use. */
import type { SourceDefinition } from '../types.js';
import { createJsonLinesSource } from './json-lines-source.js';
import { type TetragonFileConfig, tetragonFileConfigSchema } from './schema.js';

export {
  createJsonLinesSource,
  DEFAULT_MAX_LINE_BYTES,
  type JsonLinesFormat,
  type JsonLinesSourceOptions,
} from './json-lines-source.js';
export { type TetragonFileConfig, tetragonFileConfigSchema } from './schema.js';

export const tetragonFileSource: SourceDefinition<TetragonFileConfig> = {
  type: 'tetragon-file',
  configKey: 'tetragonFile',
  schema: tetragonFileConfigSchema,
  create: (config, deps) =>
    createJsonLinesSource(
      {
        paths: [config.path],
        format: 'tetragon',
        follow: true,
        startAt: config.startAt,
        pollIntervalMs: config.pollIntervalMs,
        maxLineBytes: config.maxLineBytes,
        type: 'tetragon-file',
      },
      deps,
    ),
};
