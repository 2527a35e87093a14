/**
 * The `mode` of a command (../types.ts CommandSpec) for ./recognize.ts: buildx's `--call check|outline|targets`
 * (and `--check`) evaluates the build's checks or prints its outline or targets, and pushes nothing even with
 * `--push` (found by review: those were pushes, an over-alert); `--call build`, the default, builds.
 */
import { isFalseValue, type ParsedArgv } from './argv.js';
import type { ModeFlag } from './types.js';

/** The mode argv chooses runs something other than the command's push. */
export function isQuietMode(mode: ModeFlag, parsed: ParsedArgv): boolean {
  let name = mode.pushing;
  for (const f of parsed.flags) {
    if (mode.flags.includes(f.flag)) name = modeName(f.value ?? '', mode.pushing);
    // pflag's booleans: `--check`, `--check=true`; `--check=false` leaves the mode as it was.
    else if (Object.hasOwn(mode.shorthands, f.flag) && !isFalseValue(f.value)) name = mode.shorthands[f.flag]!;
  }
  return name !== mode.pushing;
}

/** `check,format=json` → `check`; an empty value is the default; a list with no name names none (`''`). */
function modeName(value: string, byDefault: string): string {
  if (value === '') return byDefault;
  return value.split(',').find((field) => !field.includes('=')) ?? '';
}
