/** A sink that keeps every alert it is sent, for tests that run the real app and read its alerts. */
import type { Alert } from '../../src/model/alert.js';
import type { AlertSink } from '../../src/sinks/types.js';

export function collectSink(name = 'collect'): { sink: AlertSink; alerts: Alert[] } {
  const alerts: Alert[] = [];
  const sink: AlertSink = {
    name,
    start: async () => undefined,
    send: async (a) => {
      alerts.push(a);
      return { status: 'ok' };
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
  return { sink, alerts };
}
