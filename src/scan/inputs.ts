/**
 * Finite inputs that cannot be read, for `scan` and `events` alike: a missing file, a directory, a
 * corrupt or truncated gzip. They are not undecodable lines (counted and skipped) but a failure of the
 * whole input, which the user must hear about at once and in the exit code (1).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { errorMessage } from '../errors.js';

export interface UnreadableInput {
  path: string;
  /** `ENOENT`, `is a directory`, `truncated gzip data (unexpected end of file)`… */
  reason: string;
  /** Lines read before the failure (a truncated .gz yields what it held); 0 when nothing could be read. */
  linesBefore: number;
}

/** Why a path cannot be read, checked before reading; null when it can (stdin always can). */
export function unreadableReason(path: string): string | null {
  if (path === '-') return null;
  try {
    if (statSync(path).isDirectory()) return 'is a directory';
    accessSync(path, constants.R_OK);
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? errorMessage(err);
  }
}

/** Why reading failed part-way: errno codes as unreadableReason gives them, zlib's in words. */
export function readFailureReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  // zlib says Z_BUF_ERROR "unexpected end of file" when the compressed stream stops early.
  if (code === 'Z_BUF_ERROR') return `truncated gzip data (${errorMessage(err)})`;
  if (code?.startsWith('Z_')) return `corrupt gzip data (${errorMessage(err)})`;
  return code ?? errorMessage(err);
}

/** The one stderr line for an unreadable input, as docs/scenarios.md shows it. */
export function unreadableLine(u: UnreadableInput): string {
  const name = u.path === '-' ? 'stdin' : u.path;
  if (u.linesBefore === 0) return `exfilwatch: cannot read ${name}: ${u.reason}; skipped\n`;
  return `exfilwatch: cannot read ${name} past line ${u.linesBefore}: ${u.reason}; the lines before it were read\n`;
}
