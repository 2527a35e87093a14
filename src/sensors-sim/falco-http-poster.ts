/**
 * Posts alerts the way Falco's `http_output` does: one POST per alert, body = the JSON alert text,
 * `Content-Type: application/json`, user agent `falcosecurity/falco`, one keep-alive connection reused
 * for every alert, one request at a time (Falco's output worker is a single thread). For replays and tests.
 */
import http from 'node:http';
import https from 'node:https';

export interface FalcoHttpPosterOptions {
  /** e.g. `http://127.0.0.1:2801/` or `https://localhost:2801/`. */
  url: string;
  /** PEM: CA that signs the receiver's certificate (http_output.ca_cert). */
  ca?: string | Buffer;
  /** PEM: client certificate and key (http_output.mtls + client_cert/client_key). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Extra headers (Falco itself sets none; forwarders may add a shared secret). */
  headers?: Record<string, string>;
  contentType?: string;
}

export interface PostResult {
  status: number;
  body: string;
  /** Local port of the connection used: equal across posts when keep-alive works. */
  localPort: number | undefined;
}

export interface FalcoHttpPoster {
  post(body: string | Buffer, headers?: Record<string, string>): Promise<PostResult>;
  /** Posts alerts one after the other (never concurrently), like Falco. */
  postAll(bodies: readonly string[]): Promise<PostResult[]>;
  close(): void;
}

export function createFalcoHttpPoster(options: FalcoHttpPosterOptions): FalcoHttpPoster {
  const url = new URL(options.url);
  const secure = url.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 1, ca: options.ca, cert: options.cert, key: options.key })
    : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const request = secure ? https.request : http.request;

  function post(body: string | Buffer, headers: Record<string, string> = {}): Promise<PostResult> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': options.contentType ?? 'application/json',
            'user-agent': 'falcosecurity/falco',
            'content-length': Buffer.byteLength(body),
            ...options.headers,
            ...headers,
          },
        },
        (res) => {
          const localPort = res.socket?.localPort;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), localPort }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  return {
    post,
    async postAll(bodies) {
      const results: PostResult[] = [];
      for (const b of bodies) results.push(await post(b));
      return results;
    },
    close: () => agent.destroy(),
  };
}
