/**
 * Tetragon normalizers over its two wire forms (gRPC GetEventsResponse objects and JSON export lines),
 * producing identical NormalizedEvents; `tetragonFormat` is the JSON export's entry in src/formats.
 */
import type { EventFormat } from '../types.js';
import { isTetragonJson, normalizeTetragonJson } from './from-json.js';

export { bareContainerId, capString, MAX_STRING_CHARS } from './build.js';
export { isTetragonJson, normalizeTetragonJson, TETRAGON_EVENT_KEYS } from './from-json.js';
export { normalizeTetragonResponse } from './from-proto.js';
export { normalizeTetragonBytes } from './from-wire.js';
export { tetragonJsonToProto } from './to-proto.js';

export const tetragonFormat: EventFormat = {
  name: 'tetragon',
  detect: isTetragonJson,
  normalize: normalizeTetragonJson,
};
