/**
 * The Tetragon JSON export's entry in src/formats. Its own module, so that what reads only JSON lines
 * (scan's line workers, the file source) loads the JSON normalizer without the gRPC side's generated
 * protobuf code (~320 kB of source that a line worker would compile before its first piece).
 */
import type { EventFormat } from '../types.js';
import { isTetragonJson, normalizeTetragonJson } from './from-json.js';

export const tetragonFormat: EventFormat = {
  name: 'tetragon',
  detect: isTetragonJson,
  normalize: normalizeTetragonJson,
};
