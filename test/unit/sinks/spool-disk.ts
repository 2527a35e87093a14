/**
 * What the spool tests share to play a failing disk: FileHandle's prototype (to spy on write/sync, as a full
 * disk or an I/O error would fail them) and spool file records as the spool writes them.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';

export interface FileHandleMethods {
  write(...args: unknown[]): Promise<unknown>;
  sync(): Promise<void>;
}

/** FileHandle's prototype, from a probe file opened (and closed) in `dir`. */
export async function fileHandlePrototype(dir: string): Promise<FileHandleMethods> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as FileHandleMethods;
  await probe.close();
  return proto;
}

/** Bounds no test here reaches unless it lowers them. */
export const bounds = { maxMessages: 100, maxBytes: 1 << 20 };

/** The spool file's add record of alert `a-n`. */
export const addRecord = (n: number) =>
  `{"op":"add","seq":${n},"id":"a-${n}","severity":"high","rule":"r","alert":{"id":"a-${n}","n":${n}}}\n`;
