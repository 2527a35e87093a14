import type { NormalizedEvent } from '../model/normalized-event.js';

/** Defaults a JSON event may lack (Falco events carry no node name). */
export interface NormalizeDefaults {
  node: string;
}

/**
 * A sensor's JSON export format (one object per line, or one HTTP body). `detect` tells lines apart by
 * shape for `--format auto`; `normalize` is pure: event or null (ignored); throws DecodeError if malformed.
 */
export interface EventFormat {
  name: 'tetragon' | 'falco';
  detect(obj: Record<string, unknown>): boolean;
  normalize(obj: Record<string, unknown>, defaults: NormalizeDefaults): NormalizedEvent | null;
}
