/** Every source type exfilwatch knows. Adding one = its folder + one line here. */
import { falcoGrpcSource } from './falco-grpc/index.js';
import { falcoHttpSource } from './falco-http/index.js';
import { tetragonFileSource } from './tetragon-file/index.js';
import { tetragonGrpcSource } from './tetragon-grpc/index.js';
import type { SourceDefinition } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: each entry carries its own config type.
export const sourceDefinitions: ReadonlyArray<SourceDefinition<any>> = [
  tetragonGrpcSource,
  tetragonFileSource,
  falcoHttpSource,
  falcoGrpcSource,
];
