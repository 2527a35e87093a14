/** `tetragon-file`: follows Tetragon's JSON export like `tail -F`, with the generic JSON-lines reader. */
import { fileEndpointId } from '../endpoint-id.js';
import type { SourceDefinition } from '../types.js';
import { tetragonFileFactory } from './factory.js';
import { type TetragonFileConfig, tetragonFileConfigSchema } from './schema.js';

export { tetragonFileFactory } from './factory.js';
export {
  createJsonLinesSource,
  DEFAULT_MAX_LINE_BYTES,
  type JsonLinesFormat,
  type JsonLinesSourceOptions,
} from './json-lines-source.js';
export { type TetragonFileConfig, tetragonFileConfigSchema } from './schema.js';

export const tetragonFileSource: SourceDefinition<TetragonFileConfig> = {
  ...tetragonFileFactory,
  schema: tetragonFileConfigSchema,
  endpoint: (c) => ({ keyPath: 'path', id: fileEndpointId(c.path) }),
};
