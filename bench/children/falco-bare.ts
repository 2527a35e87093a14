/**
 * The transport's own ceiling for the Falco receiver row: a bare node:http server under the same load
 * (same generator, same connections) that reads each body and answers 200 with a constant, nothing else:
 * no parsing, no guards, no pipeline. Measured like falco-receiver.ts (its own CPU over the same cold and
 * measured windows: `start`, `mark`, `stop`), so the two rates are comparable in one run.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { childMain, peakRssMb, tell } from '../lib/child.js';
import { onWindowMessages, WindowMeter } from '../lib/window-meter.js';

childMain(async () => {
  const reply = '{}';
  const headers = ['content-type', 'application/json', 'content-length', String(reply.length)];
  let requests = 0;
  let bytes = 0;
  const server = http.createServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      requests++;
      res.writeHead(200, headers);
      res.end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const meter = new WindowMeter(() => requests);
  onWindowMessages(meter, (measured, cold) => {
    tell({ type: 'result', ...measured, cold, bodyBytes: bytes, peakRssMb: peakRssMb() });
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
  tell({ type: 'ready', port });
  await new Promise(() => undefined);
});
