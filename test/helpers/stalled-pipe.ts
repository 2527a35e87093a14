/** The writing end of a real pipe whose reader (a `sleep`) never reads: a write into it that fills it never completes. */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

/** `onCleanup` gets what closes the pipe and ends its reader. */
export function stalledPipe(onCleanup: (cleanup: () => void) => void): Writable {
  const reader: ChildProcess = spawn('sleep', ['600'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const pipe = reader.stdin as Writable;
  onCleanup(() => {
    pipe.on('error', () => undefined);
    pipe.destroy();
    reader.kill('SIGKILL');
  });
  return pipe;
}
