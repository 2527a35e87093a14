/** `HOST:PORT` / `[v6]:PORT` parsing for listen addresses. */
export interface HostPort {
  host: string;
  port: number;
}

export function parseHostPort(text: string): HostPort | null {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return null;
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) return null; // bare IPv6 is ambiguous: require brackets
  if (host.length === 0 || !/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  return port <= 65535 ? { host, port } : null;
}
