/**
 * Tetragon normalizers over its two wire forms (gRPC GetEventsResponse objects and JSON export lines),
 * producing identical NormalizedEvents; `tetragonFormat` is the JSON export's entry in src/formats.
 */
export { bareContainerId, capString, MAX_STRING_CHARS } from './build.js';
export { isTetragonJson, normalizeTetragonJson, TETRAGON_EVENT_KEYS } from './from-json.js';
export { normalizeTetragonResponse } from './from-proto.js';
export { normalizeTetragonBytes } from './from-wire.js';
export { tetragonFormat } from './json-format.js';
export { tetragonJsonToProto } from './to-proto.js';
