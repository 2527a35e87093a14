/** The demo's alert sink: prints each alert as a human block the moment it is delivered, and keeps it for the verdict. */
import type { Alert } from '../model/alert.js';
import type { AlertSink } from '../sinks/types.js';
import { formatAlert } from './alert-printer.js';

export interface PrinterSink extends AlertSink {
  readonly alerts: readonly Alert[];
}

export function createPrinterSink(write: (text: string) => void, color: boolean): PrinterSink {
  const alerts: Alert[] = [];
  return {
    name: 'demo',
    alerts,
    start: async () => undefined,
    async send(alert) {
      alerts.push(alert);
      write(`\n${formatAlert(alert, { color })}`);
      return { status: 'ok' };
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
}
