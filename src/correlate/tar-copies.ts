/**
 * `tar` creating an archive file of a secret (`tar czf /workspace/source/sa.tgz /var/run/secrets/…`) puts a copy
 * of it into that file, as `cp` would (./pod-copies.ts): another container of the pod reading the archive
 * reads the secret. Only the create, append, update and concatenate (GNU's `-A`: the names are archives whose
 * entries it appends) modes with an archive file named on the command line:
 * an archive written to stdout (`-f -`, or no `-f` at all) goes through a pipe the command line does not show
 * (`tar cf - token | tar xf - -C /workspace`: read in a shell's script, ./shell-copies.ts), and what an extraction
 * of an archive file writes is not named. The command line is read by ../rules/tar-command.ts.
 */
import { localArchive, type TarCommand } from '../rules/tar-command.js';
import { absoluteSource, absoluteTarget, NO_RELINK, type Relink } from './copy-paths.js';

/** A name tar takes, made absolute where it was named (its `-C`, else the working directory), and its member name. */
export interface TarEntry {
  source: string;
  /** null: bsdtar's `@ARCHIVE` or a name GNU's `-A` concatenates, whose entries keep names the command line does not show. */
  member: string | null;
}

export function tarEntries(tar: TarCommand): TarEntry[] {
  return tar.members.map((m) => ({ source: absoluteSource(m.given, m.dir), member: m.member }));
}

/** The archive file a tar creates (or appends to, updates, concatenates to) of the names it takes; `base`: the working directory. */
export function tarCopy(tar: TarCommand, base: string | null): Relink {
  if (!tar.creates || !localArchive(tar.archive) || tar.members.length === 0) return NO_RELINK;
  const target = absoluteTarget(tar.archive, base);
  const sources = tarEntries(tar).map((e) => e.source);
  return {
    sources,
    target,
    // The archive is one file holding them all: reading it is reading each.
    intoDirectory: false,
    filesOnly: true,
    into: target === null ? [] : sources.map(() => target),
  };
}
