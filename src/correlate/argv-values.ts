/**
 * How a command line writes a value given to a flag, a here-string or a credential file's key, as regex sources for
 * ./redact.ts' rules: quoted (also with its quotes escaped, as in Tetragon's form of a `sh -c` script) or a word.
 */

/**
 * The value echoed or here-string'd into a login that reads stdin: quoted, its quotes escaped as in Tetragon's form of a script
 * (`\\"X\\"`), or a word up to a shell separator; not a `$VAR`, bare or double-quoted, which names where the secret came from.
 */
export const STDIN_VALUE = String.raw`(\\"(?!\$)(?:(?!\\")[^"])*(?:\\")?|'[^']*'?|"(?!\$)[^"]*"?|[^\s|'"$\\;&][^\s|'";&]*)`;
/**
 * A value given in argv: quoted (also with its quotes escaped, as in Tetragon's form of a script), or words up
 * to the next flag or a shell separator (Falco joins a value holding spaces with the arguments after it).
 */
export const SETTING_VALUE = String.raw`(?:\\"(?:(?!\\")[^"])*(?:\\")?|"[^"]*"?|'[^']*'?|(?!-)[^\s;&|'"]+(?:\s+(?!-)[^\s;&|]+)*)`;
/**
 * A password given to a database client's flag: quoted (`-p'X'`, `-P "X"`, Tetragon's escaped `\"X\"`) or a word; its flag may be
 * inside quotes of its own (`"-pX"`).
 */
export const DB_PASSWORD = String.raw`(?:\\"(?:(?!\\")[^"])*(?:\\")?|'[^']*'?|"[^"]*"?|(?:[^\s'"\\]|\\(?!["']))+)`;
/** A flag's value: quoted, its quotes escaped as in Tetragon's form of a script or not (`-p "a b"`), or a word. */
export const QUOTED_OR_WORD = String.raw`(?:\\"(?:(?!\\")[^"])*(?:\\")?|"[^"]*"?|'[^']*'?|\S+)`;
/** A credential file's value on its line: quoted (TOML's `token = "X"`, YAML's `password: "X"`) or a word. */
export const FILE_VALUE = String.raw`(?:\\"(?:(?!\\")[^"\n])*(?:\\")?|"[^"\n]*"?|'[^'\n]*'?|[^\s'"\\]+)`;
