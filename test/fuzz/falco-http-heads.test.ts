/**
 * The Falco receiver's fast path reads request heads itself (src/sources/falco-http/fast-path.ts) and hands
 * anything it does not fully understand to node:http. A differential fuzz: mutated request heads (bytes
 * inserted, dropped or replaced, CRLF turned into LF, headers duplicated or added: Transfer-Encoding,
 * a second Content-Length, folded lines, odd methods and versions), each followed by a valid request on the
 * same connection, must get the same answers, in the same order, from `fastPath: true` as from node:http
 * alone (`fastPath: false`), and the same events must come out. A head the fast path misreads (request
 * smuggling, a body cut at the wrong length) shows as a difference here.
 */
import net from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { execAlert, readAlert } from '../fixtures/falco/events.js';
import { receiverPair } from '../integration/falco/differential.js';
import type { Harness } from '../integration/falco/harness.js';

/**
 * Sends `first` on a fresh connection and waits for its answer (or 400 ms of silence), then sends `then`
 * and half-closes; returns every status line answered until the connection closes. Not pipelined: a
 * follow-up that arrives with a refused request lets node:http drop the first answer (its parser fails on
 * the follow-up before the handler answers), a race that is not the fast path's doing.
 */
function exchange(port: number, first: Buffer, then: Buffer): Promise<string[]> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let sentThen = false;
    const sendThen = () => {
      clearTimeout(firstTimer);
      if (sentThen || socket.destroyed) return;
      sentThen = true;
      socket.end(then);
    };
    const done = () => {
      clearTimeout(firstTimer);
      clearTimeout(timer);
      socket.destroy();
      resolve(statuses(text));
    };
    const firstTimer = setTimeout(sendThen, 400);
    // A head that leaves both servers waiting for more body: the same silence from both, after this long.
    const timer = setTimeout(done, 2000);
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      sendThen();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.once('connect', () => socket.write(first));
  });
}

/** Status codes answered, in order; node:http's own refusal of bytes it cannot parse is marked `400!`. */
function statuses(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/HTTP\/1\.[01] (\d{3})[^\r]*\r\n(connection: close\r\ncontent-length: 0\r\n\r\n)?/g)) {
    out.push(m[2] ? `${m[1]}!` : m[1]!);
  }
  return out;
}

/**
 * Equal, or node:http lost answers in its own race: when bytes after a complete request fail its parser in
 * the same read, it answers `400!` and closes before the handler has answered that request. The fast path,
 * which hands node:http only what follows the request it served, answers it. So: both end in `400!`, and
 * node:http's other answers are among the fast path's, in order.
 */
function sameOrNodeLostAnswers(fast: string[], node: string[]): boolean {
  if (fast.join() === node.join()) return true;
  if (fast.at(-1) !== '400!' || node.at(-1) !== '400!') return false;
  let i = 0;
  for (const s of fast.slice(0, -1)) if (s === node[i]) i++;
  return i === node.length - 1;
}

const request = (body: string, extra = '') =>
  `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

const additions = [
  'Transfer-Encoding: chunked\r\n',
  'Content-Length: 3\r\n',
  'Content-Length: 0\r\n',
  'Connection: close\r\n',
  'Connection: keep-alive\r\n',
  'Expect: 100-continue\r\n',
  'Host: other\r\n',
  ' folded\r\n',
  'X-Empty:\r\n',
  'Bad Header: x\r\n',
  'Content-Type: text/plain\r\n',
  'Content-Encoding: identity\r\n',
  'Upgrade: h2c\r\n',
];

/** One mutation of a valid request's head (the body is left as it is). */
const mutation = fc.oneof(
  fc.record({ op: fc.constant('insert'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('replace'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('drop'), at: fc.nat() }),
  fc.record({ op: fc.constant('lf'), at: fc.nat() }),
  fc.record({ op: fc.constant('add'), at: fc.nat(), text: fc.constantFrom(...additions) }),
  fc.record({
    op: fc.constant('line'),
    text: fc.constantFrom(
      'GET / HTTP/1.1',
      'POST / HTTP/1.0',
      'POST  / HTTP/1.1',
      'post / HTTP/1.1',
      'POST /x HTTP/1.1',
    ),
  }),
);

function mutate(valid: string, steps: Array<{ op: string; at?: number; byte?: number; text?: string }>): Buffer {
  // The head with its last line's CRLF; the blank line is added back after the mutations.
  const headEnd = valid.indexOf('\r\n\r\n') + 2;
  let head = Buffer.from(valid.slice(0, headEnd), 'latin1');
  const body = Buffer.from(valid.slice(headEnd + 2), 'latin1');
  for (const s of steps) {
    const at = (s.at ?? 0) % Math.max(1, head.length);
    if (s.op === 'insert') head = Buffer.concat([head.subarray(0, at), Buffer.from([s.byte!]), head.subarray(at)]);
    else if (s.op === 'replace') head[at] = s.byte!;
    else if (s.op === 'drop') head = Buffer.concat([head.subarray(0, at), head.subarray(at + 1)]);
    else if (s.op === 'lf') {
      const cr = head.indexOf('\r\n', at);
      if (cr >= 0) head = Buffer.concat([head.subarray(0, cr), head.subarray(cr + 1)]);
    } else if (s.op === 'add') {
      // After the request line, at a line start.
      const lineStart = head.indexOf('\r\n', Math.max(at, head.indexOf('\r\n'))) + 2;
      const where = lineStart >= 2 && lineStart <= head.length ? lineStart : head.length;
      head = Buffer.concat([head.subarray(0, where), Buffer.from(s.text!, 'latin1'), head.subarray(where)]);
    } else if (s.op === 'line') {
      const eol = head.indexOf('\r\n');
      head = Buffer.concat([Buffer.from(s.text!, 'latin1'), head.subarray(eol < 0 ? head.length : eol)]);
    }
  }
  return Buffer.concat([head, Buffer.from('\r\n'), body]);
}

describe('falco-http fast path: mutated request heads get node:http answers', () => {
  const receivers = receiverPair();

  it('same status lines and same events as node:http alone, for 150 mutated heads', async () => {
    const cases = fc.sample(
      fc.record({ steps: fc.array(mutation, { minLength: 1, maxLength: 3 }), which: fc.nat(2) }),
      { numRuns: 150, seed: 0x5eed },
    );
    let refused = 0;
    let nodeLost = 0;
    for (const [i, c] of cases.entries()) {
      const body = c.which === 0 ? execAlert() : readAlert(`/src/fuzz${i}`, i + 1);
      const first = mutate(request(body), c.steps);
      const then = Buffer.from(request(readAlert(`/src/after${i}`, 1000 + i)));
      const [a, b] = await Promise.all([
        exchange(receivers.fast.port, first, then),
        exchange(receivers.node.port, first, then),
      ]);
      const head = first.toString('latin1', 0, first.indexOf('\r\n\r\n'));
      expect(sameOrNodeLostAnswers(a, b), `case ${i} ${JSON.stringify(head)}: fast ${a} node ${b}`).toBe(true);
      if (a.join() !== b.join()) nodeLost += b.length < a.length ? a.length - b.length : 0;
      if (b.some((s) => s !== '200')) refused++;
    }
    // The corpus does reach node:http's refusals, not only requests both accept.
    expect(refused).toBeGreaterThan(25);
    await new Promise((r) => setTimeout(r, 200));
    const paths = (h: Harness) =>
      h.events.map((e) => (e.kind === 'file' ? e.file.path : e.kind === 'exec' ? 'exec' : e.kind)).sort();
    expect(receivers.node.h.events.length).toBeGreaterThan(25);
    // Every event node:http took, the fast path took too; extra ones only from requests node:http lost.
    expect(paths(receivers.fast.h)).toEqual(expect.arrayContaining(paths(receivers.node.h)));
    expect(receivers.fast.h.events.length - receivers.node.h.events.length).toBeLessThanOrEqual(nodeLost);
  });
});
