import { get } from 'node:http';

/** A kubelet-like probe: a fresh connection that asks once and closes; its status, or 'closed' if refused. */
export function probe(port: number, path = '/healthz'): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', () => resolve('closed'));
  });
}
