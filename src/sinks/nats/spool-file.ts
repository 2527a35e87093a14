/** The spool's file-level steps (format: spool.ts). */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { SpoolEntry } from './spool.js';

/** Writes all of `text` or throws: a full disk makes write() return short, without an error. */
export async function writeAll(fh: FileHandle, text: string): Promise<number> {
  const buf = Buffer.from(text);
  const { bytesWritten } = await fh.write(buf);
  if (bytesWritten < buf.length) throw new Error(`short write: ${bytesWritten} of ${buf.length} bytes (disk full?)`);
  return bytesWritten;
}

/** The alert JSON is embedded as is (not re-encoded), so a record is one line and costs one stringify. */
export function addRecord(e: SpoolEntry): string {
  return `{"op":"add","seq":${e.seq},"id":${JSON.stringify(e.id)},"severity":${JSON.stringify(e.severity)},"rule":${JSON.stringify(e.rule)},"alert":${e.payload}}\n`;
}

export async function fsyncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
