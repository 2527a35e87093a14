/** What a CLI child process wrote: stdout (alerts, events), stderr and its JSON log lines (pino, one a line). */
import type { ChildProcess } from 'node:child_process';

export interface ChildOutput {
  stdout(): string;
  stderr(): string;
  /** The JSON log lines on stderr so far (a non-JSON line that starts with `{` parses as `{}`). */
  logs(): Array<Record<string, unknown>>;
}

export function captureOutput(child: ChildProcess): ChildOutput {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return {
    stdout: () => out,
    stderr: () => err,
    logs: () =>
      err
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return {};
          }
        }),
  };
}
