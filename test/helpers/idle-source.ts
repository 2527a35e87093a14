/** A source that is connected and offers nothing until stopped: the app runs, with no event to drive it. */
import type { EventSource } from '../../src/sources/types.js';

export const idleSource: EventSource = {
  id: 'idle',
  type: 'replay',
  async run(out, signal) {
    out.connection(true);
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  },
};
