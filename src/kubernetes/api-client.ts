/**
 * Requests to the Kubernetes API server on node:https: the in-cluster service account (or a kubeconfig's
 * server, CA and token), a GET whose body is JSON, and a GET whose body is a stream of lines (a watch).
 * Not @kubernetes/client-node: importing it cost ~65 MB RSS and ~0.5 s of CPU (docs/daemon.md), for two GETs.
 */
import { readFileSync } from 'node:fs';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { dirname, resolve } from 'node:path';
import { ConfigError, errorMessage, KubernetesApiError } from '../errors.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ApiCredentials {
  /** `https://host:port`, no trailing slash. */
  server: string;
  /** PEM; undefined: the system's trust store. */
  ca?: string;
  insecureSkipTlsVerify?: boolean;
  /** Read at every request: a projected service-account token is rotated by the kubelet (about hourly). */
  token(): string | null;
}

/** The pod's own service account, or null when not in a cluster (no KUBERNETES_SERVICE_HOST or no token). */
export function inClusterCredentials(
  env: NodeJS.ProcessEnv = process.env,
  dir: string = SERVICE_ACCOUNT_DIR,
): ApiCredentials | null {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  const readToken = () => readFileSync(`${dir}/token`, 'utf8').trim();
  if (host === undefined || host === '') return null;
  try {
    readToken();
  } catch {
    return null;
  }
  let ca: string | undefined;
  try {
    ca = readFileSync(`${dir}/ca.crt`, 'utf8');
  } catch {
    ca = undefined;
  }
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { server, ca, token: () => readTokenOrNull(readToken) };
}

function readTokenOrNull(read: () => string): string | null {
  try {
    return read();
  } catch {
    return null;
  }
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const named = (items: unknown, name: unknown): Json =>
  obj((Array.isArray(items) ? items : []).find((i) => obj(i).name === name));

/** A kubeconfig's current context: its cluster's server and CA, its user's bearer token. */
export async function kubeconfigCredentials(file: string, keyPath = 'kubernetes.kubeconfig'): Promise<ApiCredentials> {
  let doc: Json;
  try {
    // Only out of a cluster: the in-cluster daemon never loads a YAML parser into its heap for it.
    const { parse } = await import('yaml');
    doc = obj(parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new ConfigError(keyPath, `cannot read kubeconfig ${file}: ${errorMessage(err)}`, { cause: err });
  }
  const context = obj(named(doc.contexts, doc['current-context']).context);
  const cluster = obj(named(doc.clusters, context.cluster).cluster);
  const user = obj(named(doc.users, context.user).user);
  const at = (p: unknown) => resolve(dirname(file), String(p));
  if (typeof cluster.server !== 'string' || !cluster.server.startsWith('https://'))
    throw new ConfigError(keyPath, `${file}: the current context's cluster names no https server`);
  let ca: string | undefined;
  if (typeof cluster['certificate-authority-data'] === 'string')
    ca = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');
  else if (typeof cluster['certificate-authority'] === 'string')
    ca = readFileSync(at(cluster['certificate-authority']), 'utf8');
  const token = typeof user.token === 'string' ? user.token : null;
  const tokenFile = typeof user.tokenFile === 'string' ? at(user.tokenFile) : null;
  if (token === null && tokenFile === null)
    throw new ConfigError(keyPath, `${file}: the current context's user has no token or tokenFile`);
  return {
    server: cluster.server.replace(/\/+$/, ''),
    ca,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    token: () => token ?? readTokenOrNull(() => readFileSync(tokenFile!, 'utf8').trim()),
  };
}

export interface ApiResponse {
  status: number;
  body: NodeJS.ReadableStream & { destroy(): void };
}

/** A GET; resolves once the response head arrives (any status), rejects when no response came. */
export function apiGet(creds: ApiCredentials, path: string, signal: AbortSignal): Promise<ApiResponse> {
  const url = new URL(path, `${creds.server}/`);
  const token = creds.token();
  const options: RequestOptions = {
    method: 'GET',
    headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal,
    ...(creds.ca !== undefined ? { ca: creds.ca } : {}),
    rejectUnauthorized: creds.insecureSkipTlsVerify !== true,
  };
  return new Promise((done, fail) => {
    const req = httpsRequest(url, options, (res) => done({ status: res.statusCode ?? 0, body: res }));
    req.on('error', (err) => fail(new KubernetesApiError(`${url.host}: ${errorMessage(err)}`, null, { cause: err })));
    req.end();
  });
}

/** The whole body as JSON; a status other than 200 becomes a KubernetesApiError with the Status's message. */
export async function apiGetJson(creds: ApiCredentials, path: string, signal: AbortSignal): Promise<unknown> {
  const res = await apiGet(creds, path, signal);
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (res.status !== 200) throw statusError(res.status, text);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new KubernetesApiError(`GET ${path}: the body is no JSON`, res.status, { cause: err });
  }
}

/** The error for an answer other than 200, with the API's Status message where the body is one. */
export function statusError(status: number, body: string): KubernetesApiError {
  let message = body.slice(0, 200);
  try {
    const parsed = obj(JSON.parse(body));
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not a Status: the body's start says it
  }
  return new KubernetesApiError(`HTTP ${status}: ${message}`, status);
}
