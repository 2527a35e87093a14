/** NATS server URLs, checked without zod: `--nats` / `NATS_URL` are applied in the daemon's own graph. */

/** Parses a NATS server URL (`nats://host:port`, `tls://host:port`, or bare `host:port`); null when invalid. */
export function parseNatsUrl(text: string): URL | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `nats://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== 'nats:' && url.protocol !== 'tls:') return null;
  if (url.hostname === '' || (url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '')
    return null;
  return url;
}
