/** node:http's path: one request body, collected within maxBodyBytes and the receiver's shared body budget. */
import type { IncomingMessage } from 'node:http';
import type { BodyBudget } from './guards.js';

export interface BodyOutcome {
  /** The whole body; its bytes stay reserved until this returns (the caller ingests it synchronously). */
  whole(body: Buffer): void;
  /** The body grew past maxBodyBytes (a chunked one, or a lying client): nothing more is read. */
  tooLarge(): void;
  /** Holding `bytes` would take the budget past its limit: refused before reading on (or at all). */
  overBudget(bytes: number): void;
}

const ignoreError = () => undefined;

/**
 * The declared length is reserved before a byte of the body is read (a chunked body: as it arrives), and given
 * back once the body is handed over, refused, or its connection is gone ('close' comes in every case).
 */
export function readBody(
  req: IncomingMessage,
  declared: number,
  maxBodyBytes: number,
  budget: BodyBudget,
  on: BodyOutcome,
): void {
  let held = 0;
  const giveBack = () => {
    budget.give(held);
    held = 0;
  };
  const cost = declared > 0 ? budget.cost(declared) : 0;
  if (cost > 0) {
    if (!budget.take(cost)) {
      on.overBudget(declared);
      return;
    }
    held = cost;
  }
  req.once('close', giveBack);
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    const fits = size <= maxBodyBytes;
    const want = budget.cost(size);
    if (fits && want > held && budget.take(want - held)) held = want;
    if (fits && want <= held) {
      chunks.push(chunk);
      return;
    }
    over = true;
    chunks.length = 0;
    giveBack();
    if (fits) on.overBudget(size);
    else on.tooLarge();
  });
  req.on('error', ignoreError); // client went away mid-body: nothing was ingested
  req.on('end', () => {
    if (over) return;
    try {
      on.whole(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    } finally {
      chunks.length = 0;
      giveBack();
    }
  });
}
