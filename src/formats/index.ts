/** JSON event formats exfilwatch reads (export files, scan, Falco http_output). One line per format. */
import { falcoFormat } from './falco/index.js';
import { tetragonFormat } from './tetragon/json-format.js';
import type { EventFormat } from './types.js';

export type { EventFormat, NormalizeDefaults } from './types.js';

export const eventFormats: readonly EventFormat[] = [tetragonFormat, falcoFormat];

export function formatByName(name: EventFormat['name']): EventFormat | undefined {
  return eventFormats.find((f) => f.name === name);
}

/** The format a parsed JSON line has, by shape; undefined when none recognises it. */
export function detectFormat(obj: Record<string, unknown>): EventFormat | undefined {
  return eventFormats.find((f) => f.detect(obj));
}
