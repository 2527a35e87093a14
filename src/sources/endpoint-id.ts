/**
 * Comparable ids of the sensor endpoints sources read (SourceDefinition.endpoint), so that one endpoint
 * given twice — in the file, or by a flag repeated — is found before the first event.
 * Spellings of one endpoint meet: `unix:///run//a.sock` and `unix:///run/a.sock`, `LOCALHOST:1` and
 * `localhost:1`, `[::1]:1` and `::1:1`, `/var/log/./t.log` and `/var/log/t.log`.
 */
import { posix, resolve } from 'node:path';

/** `unix:///abs/path` or `host:port`. */
export function socketEndpointId(address: string): string {
  if (address.startsWith('unix://')) return `unix:${posix.normalize(address.slice('unix://'.length))}`;
  return address.toLowerCase().replace(/^\[([^\]]*)\]:/, '$1:');
}

/** A file a source reads; relative paths resolve against the working directory, as the source opens them. */
export function fileEndpointId(path: string): string {
  return `file:${resolve(path)}`;
}
