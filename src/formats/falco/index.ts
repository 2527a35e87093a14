/** The Falco JSON alert format: `http_output` bodies, stdout/`file_output` JSON lines, gRPC responses. */
import { DecodeError } from '../../errors.js';
import type { EventFormat } from '../types.js';
import { isFalcoEvent, notAFalcoAlert } from './detect.js';
import { normalizeFalco } from './normalize.js';

export { isFalcoEvent, notAFalcoAlert } from './detect.js';
export { isDropAlert, normalizeFalco } from './normalize.js';
export { parseFalcoJson } from './parse.js';

export const falcoFormat: EventFormat = {
  name: 'falco',
  detect: isFalcoEvent,
  // `--format falco` skips detection, and normalizeFalco reads a line without output_fields as a Falco alert
  // printed without them (ignored): a Tetragon line given as Falco must be a decode error, logged with its
  // line number (docs/scan.md), as a Falco line given as Tetragon is, not a silent "ignored".
  normalize(obj, defaults) {
    if (!isFalcoEvent(obj)) throw new DecodeError(notAFalcoAlert(obj));
    return normalizeFalco(obj, defaults);
  },
};
export {
  FALCO_EXEC_FIELDS,
  FALCO_EXIT_FIELDS,
  FALCO_FILE_FIELDS,
  FALCO_NET_FIELDS,
  FALCO_PROCESS_FIELDS,
} from './needed-fields.js';
