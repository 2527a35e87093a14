/**
 * Answers written straight to a socket by the fast path, byte for byte what node:http writes for the same
 * `writeHead(code, [name, value, …])` + `end(text)` on a keep-alive connection: status line, the given
 * headers as given, `Date`, then `Connection: keep-alive` and `Keep-Alive: timeout=<s>` unless a
 * `connection` header was given (then the connection ends after the answer, as node:http ends it).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

export interface RawResponder {
  /** Writes one answer to `socket`. */
  write(socket: Socket, code: number, text: string, headers: readonly string[]): void;
  /**
   * Writes a constant 200 answer (`headers` is the constant's own array) from a buffer built once per
   * second (the Date header's resolution), not formatted per request.
   */
  writeConstant(socket: Socket, text: string, headers: readonly string[]): void;
}

export function createRawResponder(keepAliveTimeoutMs: number): RawResponder {
  const keepAlive = `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(keepAliveTimeoutMs / 1000)}\r\n\r\n`;
  let dateSecond = -1;
  let dateLine = '';
  let constants = new Map<readonly string[], Buffer>();
  const date = (): string => {
    const second = Math.floor(Date.now() / 1000);
    if (second !== dateSecond) {
      dateSecond = second;
      dateLine = `Date: ${new Date(second * 1000).toUTCString()}\r\n`;
      constants = new Map();
    }
    return dateLine;
  };
  const head = (code: number, headers: readonly string[]): { text: string; close: boolean } => {
    let text = `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'unknown'}\r\n`;
    let close = false;
    for (let i = 0; i + 1 < headers.length; i += 2) {
      text += `${headers[i]}: ${headers[i + 1]}\r\n`;
      if (headers[i]!.toLowerCase() === 'connection') close = true;
    }
    return { text: text + date(), close };
  };
  return {
    write(socket, code, text, headers) {
      const h = head(code, headers);
      if (h.close) socket.end(`${h.text}\r\n${text}`);
      else socket.write(`${h.text}${keepAlive}${text}`);
    },
    writeConstant(socket, text, headers) {
      date();
      let bytes = constants.get(headers);
      if (bytes === undefined) {
        bytes = Buffer.from(`${head(200, headers).text}${keepAlive}${text}`, 'utf8');
        constants.set(headers, bytes);
      }
      socket.write(bytes);
    },
  };
}
