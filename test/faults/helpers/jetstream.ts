/** Reads what the alert stream holds: every message's Nats-Msg-Id and decoded alert, in stream order. */
import { readFileSync } from 'node:fs';
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

/** Alert ids still live in a spool file (added and not deleted), oldest first. */
export function spoolLiveIds(spoolFile: string): string[] {
  let text = '';
  try {
    text = readFileSync(spoolFile, 'utf8');
  } catch {
    return [];
  }
  const live = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let r: { op?: string; seq?: number; id?: string };
    try {
      r = JSON.parse(line);
    } catch {
      continue; // a torn last line (SIGKILL mid-write) is skipped, as the spool's recovery does
    }
    if (r.op === 'add' && typeof r.seq === 'number' && typeof r.id === 'string') live.set(r.seq, r.id);
    else if (r.op === 'del' && typeof r.seq === 'number') live.delete(r.seq);
  }
  return [...live.entries()].sort((a, b) => a[0] - b[0]).map(([, id]) => id);
}
