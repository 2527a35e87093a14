/**
 * The TracingPolicies of sensor-config/tetragon as the policy tests read them, and Tetragon's arg type →
 * KprobeArgument oneof key table (facts: shared/reference/tetragon-api.md §4).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/helm.js';

// biome-ignore lint/suspicious/noExplicitAny: policies are parsed YAML, checked field by field.
export type Any = any;

/** Tetragon policy arg type → the KprobeArgument oneof key it produces in JSON (facts §4). */
export const ARG_JSON_KEY: Record<string, string> = {
  string: 'string_arg',
  filename: 'string_arg',
  int: 'int_arg',
  int32: 'int_arg',
  sint32: 'int_arg',
  int16: 'int_arg',
  int8: 'int_arg',
  skb: 'skb_arg',
  size_t: 'size_arg',
  uint64: 'size_arg',
  ulong: 'size_arg',
  char_buf: 'bytes_arg',
  char_iovec: 'bytes_arg',
  path: 'path_arg',
  dentry: 'path_arg',
  file: 'file_arg',
  fd: 'file_arg',
  kiocb: 'file_arg',
  sock: 'sock_arg',
  socket: 'sock_arg',
  long: 'long_arg',
  int64: 'long_arg',
  sint64: 'long_arg',
  uint32: 'uint_arg',
  uint16: 'uint_arg',
  uint8: 'uint_arg',
  sockaddr: 'sockaddr_arg',
};

const policyDir = join(repoRoot, 'sensor-config', 'tetragon');
export const policies = readdirSync(policyDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((file) => ({ file, doc: parse(readFileSync(join(policyDir, file), 'utf8')) as Any }));
export const kprobes = policies.flatMap(({ file, doc }) =>
  (doc.spec.kprobes as Any[]).map((k) => ({ file, policy: doc.metadata.name as string, k })),
);
