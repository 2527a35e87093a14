/**
 * NATS client options from our config: servers, reconnect policy, and auth/TLS material read from files.
 * Every referenced file is read (and lightly checked) here, at start, so a bad path fails start-up with
 * its key path instead of surfacing later as an endless reconnect loop. Secrets never reach a log line.
 */
import { type ConnectionOptions, credsAuthenticator, nkeyAuthenticator } from 'nats';
import { ConfigError } from '../../errors.js';
import { type FileProblem, fileProblems, readConfiguredFile } from '../../io/file-problems.js';
import type { NatsSinkConfig } from './config.js';

export const NATS_KEY = 'sinks.nats';

function readSecret(path: string, key: string): string {
  return readConfiguredFile(path, `${NATS_KEY}.${key}`).toString('utf8').trim();
}

/** Cheap checks of every file the config names (readable; seed, creds and certificates look right). */
export function natsFileProblems(c: NatsSinkConfig): FileProblem[] {
  return fileProblems([
    ['passwordFile', c.passwordFile, 'text'],
    ['tokenFile', c.tokenFile, 'text'],
    ['nkeySeedFile', c.nkeySeedFile, 'nkey-seed'],
    ['credsFile', c.credsFile, 'nats-creds'],
    ['tls.caFile', c.tls?.caFile, 'pem'],
    ['tls.certFile', c.tls?.certFile, 'pem'],
    ['tls.keyFile', c.tls?.keyFile, 'pem'],
  ]);
}

/** Throws ConfigError (key path `sinks.nats.<key>`) for the first bad file. */
export function assertNatsFiles(c: NatsSinkConfig): void {
  const first = natsFileProblems(c)[0];
  if (first) throw new ConfigError(`${NATS_KEY}.${first.keyPath}`, first.message);
}

/**
 * A server URL without its userinfo (`nats://user:pass@host:4222` → `nats://host:4222`): what we log, and
 * what we hand the client, which does not take credentials from the URL.
 */
export function natsServerWithoutCredentials(server: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `nats://${server}`;
  const at = withScheme.lastIndexOf('@');
  if (at < 0) return server;
  const scheme = withScheme.indexOf('://') + 3;
  return `${withScheme.slice(0, scheme)}${withScheme.slice(at + 1)}`;
}

/** Credentials given in a server URL the way the nats CLI takes them: `user:pass@` or `token@`. */
function urlCredentials(servers: readonly string[]): { user: string; pass: string } | { token: string } | null {
  for (const s of servers) {
    let url: URL;
    try {
      url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `nats://${s}`);
    } catch {
      continue;
    }
    if (url.username === '') continue;
    const user = decodeURIComponent(url.username);
    return url.password === '' ? { token: user } : { user, pass: decodeURIComponent(url.password) };
  }
  return null;
}

export function natsConnectionOptions(c: NatsSinkConfig, node: string): ConnectionOptions {
  assertNatsFiles(c);
  const options: ConnectionOptions = {
    servers: c.servers.map(natsServerWithoutCredentials),
    name: `${c.connectionName}@${node}`,
    // Reconnect forever: the spool holds alerts meanwhile. The jitter spreads a fleet's reconnects.
    maxReconnectAttempts: -1,
    reconnectTimeWait: c.reconnectTimeWaitMs,
    reconnectJitter: c.reconnectJitterMs,
    reconnectJitterTLS: c.reconnectJitterMs,
    // An auth error may be a credential being rotated: keep trying rather than giving up for good.
    ignoreAuthErrorAbort: true,
    waitOnFirstConnect: false,
    timeout: 5000,
    pingInterval: 20_000,
    maxPingOut: 3,
  };
  if (c.user !== undefined) {
    options.user = c.user;
    const pass = c.password ?? (c.passwordFile ? readSecret(c.passwordFile, 'passwordFile') : undefined);
    if (pass !== undefined) options.pass = pass;
  }
  const token = c.token ?? (c.tokenFile ? readSecret(c.tokenFile, 'tokenFile') : undefined);
  if (token !== undefined) options.token = token;
  // NATS_URL=nats://user:pass@host (or token@host) works as with the nats CLI, unless the config names auth.
  const fromUrl = urlCredentials(c.servers);
  const configuredAuth = c.user ?? token ?? c.nkeySeedFile ?? c.credsFile;
  if (fromUrl && configuredAuth === undefined) {
    if ('token' in fromUrl) options.token = fromUrl.token;
    else {
      options.user = fromUrl.user;
      options.pass = fromUrl.pass;
    }
  }
  if (c.nkeySeedFile)
    options.authenticator = nkeyAuthenticator(new TextEncoder().encode(readSecret(c.nkeySeedFile, 'nkeySeedFile')));
  if (c.credsFile)
    options.authenticator = credsAuthenticator(new TextEncoder().encode(readSecret(c.credsFile, 'credsFile')));
  // File paths, not contents: the client re-reads them on reconnect, so rotated certificates are picked up.
  if (c.tls) options.tls = { caFile: c.tls.caFile, certFile: c.tls.certFile, keyFile: c.tls.keyFile };
  return options;
}
