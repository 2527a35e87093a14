/**
 * A file argument's mode (`KprobeFile.permission`): whether it has an execute bit, which tells code (a
 * program or library a loader maps) from data in a `security_mmap_file` event.
 */

/**
 * Whether a `ls -l` style mode (`-rwxr-xr-x`; since Tetragon 1.4 without the type letter) has an execute
 * bit: x, s or t in the owner, group or other triplet (S and T are set-id/sticky without execute).
 */
export function execMode(permission: string): boolean {
  const n = permission.length;
  return (
    n >= 9 &&
    (isExecBit(permission.charCodeAt(n - 7)) ||
      isExecBit(permission.charCodeAt(n - 4)) ||
      isExecBit(permission.charCodeAt(n - 1)))
  );
}

/**
 * execMode over the mode's UTF-8 bytes in place (the wire decoder's, which makes no string of it). A mode
 * that is not ASCII is decoded first: execMode counts UTF-16 code units, so bytes would look elsewhere
 * and the wire and the generated decoder would disagree.
 */
export function execModeBytes(buf: Uint8Array, start: number, len: number): boolean {
  const end = start + len;
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return execMode(utf8.decode(buf.subarray(start, end)));
  return len >= 9 && (isExecBit(buf[end - 7]!) || isExecBit(buf[end - 4]!) || isExecBit(buf[end - 1]!));
}

const utf8 = new TextDecoder();

function isExecBit(c: number): boolean {
  return c === 120 /* x */ || c === 115 /* s */ || c === 116 /* t */;
}
