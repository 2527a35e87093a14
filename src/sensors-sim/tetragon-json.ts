/** Tetragon JSON export text → the GetEventsResponse messages the agent would stream for it. */
import { tetragonJsonToProto } from '../formats/tetragon/to-proto.js';
import type { GetEventsResponse } from '../generated/tetragon/events.js';

/** One event per non-blank line (the export's format). Throws on a malformed line: replay input is ours. */
export function tetragonJsonLinesToProto(text: string): GetEventsResponse[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => tetragonJsonToProto(JSON.parse(line) as Record<string, unknown>));
}
