/** Reads what the alert stream holds: every message's Nats-Msg-Id and decoded alert, in stream order. */
import { connect } from 'nats';
import type { Alert } from '../../../src/model/alert.js';

export interface Stored {
  id: string;
  subject: string;
  alert: Alert;
}

export async function storedAlerts(url: string, stream = 'EXFILWATCH_ALERTS'): Promise<Stored[]> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stream).catch(() => null);
    if (!info) return [];
    const out: Stored[] = [];
    for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (!m) continue;
      out.push({ id: m.header.get('Nats-Msg-Id'), subject: m.subject, alert: m.json<Alert>() });
    }
    return out;
  } finally {
    await nc.close();
  }
}
