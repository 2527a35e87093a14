/**
 * An exec's command line as the readers of what it copies and writes see it (./exec-writes.ts): the program run (a
 * multi-call binary's applet: `busybox cp A B` is `cp`), where its relative paths start, its words split once, and
 * what its inline script writes, read once (through the engine's gate: ./shell-script-gate.ts). The readers of
 * copies (./relinks.ts), writes (./cache-writes.ts), named outputs (./product-writers.ts) and staging otherwise
 * (./storage-writers.ts) each resolved the applet and split the line again before, once per staging guard that
 * asked (package caches, `dist/` and `node_modules/`, buildah's storage): up to seven times per exec. A tar's line
 * is read once too (../rules/tar-command.ts), for both the archive it creates and the directory it extracts into.
 */
import type { ProcessRef } from '../model/normalized-event.js';
import { basename, tokenize } from '../rules/argv.js';
import { appletOf, MULTI_CALL } from '../rules/launchers.js';
import { readTarCommand, TAR_PROGRAMS, type TarCommand, tarFlavourOf } from '../rules/tar-command.js';
import { workingDirectory } from './copy-paths.js';
import { EVERY_SCRIPT, SHELLS, type ShellScriptReader } from './shell-copies.js';
import { NO_WRITES, type ScriptWrites } from './shell-writes.js';

export class ExecLine {
  /** The program's name ('' when a multi-call binary names no applet). */
  readonly tool: string;
  /** Its arguments (an applet's: after the applet's name). */
  readonly args: string | null;
  /** ProcessRef.argvCount (Falco's unquoted argv): undefined for an applet, whose words are not the binary's. */
  readonly argvCount: number | undefined;
  /** The working directory where relative paths start (./copy-paths.ts), or null. */
  readonly base: string | null;
  readonly shell: boolean;
  private tokens: readonly string[] | null = null;
  private script: ScriptWrites | null = null;
  private tarCommand: TarCommand | null | undefined = undefined;

  constructor(
    /** The binary exec'd (a multi-call binary's own: which tar runs, ../rules/tar-grammars.ts). */
    private readonly binary: string | null,
    args: string | null,
    cwd: string | null | undefined,
    argvCount: number | undefined,
    private readonly scripts: ShellScriptReader = EVERY_SCRIPT,
  ) {
    const applet = MULTI_CALL.has(basename(binary));
    const program = applet ? appletOf({ binary, args }) : { binary, args };
    this.tool = program === null ? '' : basename(program.binary);
    this.args = program === null ? null : program.args;
    this.argvCount = applet ? undefined : argvCount;
    this.base = workingDirectory(cwd);
    this.shell = SHELLS.has(this.tool);
  }

  /** The arguments split into words (./tokenize.ts), on first use. */
  get words(): readonly string[] {
    this.tokens ??= tokenize(this.args);
    return this.tokens;
  }

  /** What it says as a tar (../rules/tar-command.ts), read on first use for both its copy and its writes; null: no tar. */
  get tar(): TarCommand | null {
    if (this.tarCommand === undefined)
      this.tarCommand = TAR_PROGRAMS.has(this.tool)
        ? readTarCommand(this.words, this.base, tarFlavourOf(this.binary))
        : null;
    return this.tarCommand;
  }

  /** What a shell's inline script writes (none for any other program), read on first use. */
  scriptWrites(): ScriptWrites {
    if (!this.shell) return NO_WRITES;
    this.script ??= this.scripts.writes(this.args, this.argvCount, this.base);
    return this.script;
  }
}

export function execLineOf(p: ProcessRef, scripts: ShellScriptReader = EVERY_SCRIPT): ExecLine {
  return new ExecLine(p.binary, p.args, p.cwd, p.argvCount, scripts);
}
