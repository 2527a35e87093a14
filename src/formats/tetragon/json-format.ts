/**
 * The Tetragon JSON export's entry in src/formats. Its own module, so that scan's line workers, which read
 * only JSON lines, load the JSON normalizer without the gRPC side's generated protobuf code (~320 kB of
 * source that a line worker would compile before its first piece). The daemon still loads that code, as
 * its source registry (src/sources/index.ts) imports every source, the gRPC ones included.
 */
import type { EventFormat } from '../types.js';
import { isTetragonJson, normalizeTetragonJson } from './from-json.js';

export const tetragonFormat: EventFormat = {
  name: 'tetragon',
  detect: isTetragonJson,
  normalize: normalizeTetragonJson,
};
