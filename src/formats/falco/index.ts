/** The Falco JSON alert format: `http_output` bodies, stdout/`file_output` JSON lines, gRPC responses. */
import type { EventFormat } from '../types.js';
import { isFalcoEvent } from './detect.js';
import { normalizeFalco } from './normalize.js';

export { isFalcoEvent } from './detect.js';
export { isDropAlert, normalizeFalco } from './normalize.js';
export { parseFalcoJson } from './parse.js';

export const falcoFormat: EventFormat = {
  name: 'falco',
  detect: isFalcoEvent,
  normalize: normalizeFalco,
};
export {
  FALCO_EXEC_FIELDS,
  FALCO_EXIT_FIELDS,
  FALCO_FILE_FIELDS,
  FALCO_NET_FIELDS,
  FALCO_PROCESS_FIELDS,
} from './needed-fields.js';
