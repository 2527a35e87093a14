/**
 * Which processes downloadStoreRead asks about their own products (../../../src/correlate/own-products.ts
 * mayReadOwnProducts): node from where a runtime is expected, goreleaser and its children, ko and its children.
 * Any other process's reads skip the checks (issue #8), so the gate must not leave out one that has products.
 */
import { describe, expect, it } from 'vitest';
import { noteBuildOutput } from '../../../src/correlate/build-outputs.js';
import { mayReadOwnProducts } from '../../../src/correlate/own-products.js';
import { ProcState } from '../../../src/correlate/proc-state.js';
import { newNodeState } from '../../../src/correlate/state.js';
import type { PushRecognition } from '../../../src/rules/recognize.js';

const node = newNodeState('n1');

function proc(binary: string, parent: ProcState | null = null, args = '', cwd = '/src'): ProcState {
  const p = new ProcState(null, 1, binary, parent, null, node, 0, false, null, false);
  noteBuildOutput(p, args, cwd);
  return p;
}

function pushing(p: ProcState, tool: string): ProcState {
  p.push = { tool } as PushRecognition;
  return p;
}

describe('own-products gate', () => {
  it('asks node, goreleaser and ko, and their children for goreleaser and ko', () => {
    expect(mayReadOwnProducts(proc('/usr/local/bin/node'))).toBe(true);
    expect(mayReadOwnProducts(proc('/usr/bin/nodejs'))).toBe(true);
    const goreleaser = proc('/usr/local/bin/goreleaser', null, 'release --clean');
    expect(mayReadOwnProducts(goreleaser)).toBe(true);
    expect(mayReadOwnProducts(proc('/usr/bin/syft', goreleaser))).toBe(true);
    const ko = pushing(proc('/ko-app/ko', null, 'build ./cmd/app'), 'ko');
    expect(mayReadOwnProducts(ko)).toBe(true);
    expect(mayReadOwnProducts(proc('/usr/local/go/bin/go', ko, 'version -m /tmp/ko123/out'))).toBe(true);
  });

  it('skips any other process, a node from a scratch directory, a grandchild of goreleaser', () => {
    expect(mayReadOwnProducts(proc('/bin/cat'))).toBe(false);
    expect(mayReadOwnProducts(proc('/tmp/.x/node'))).toBe(false);
    expect(mayReadOwnProducts(pushing(proc('/usr/bin/git'), 'git'))).toBe(false);
    const goreleaser = proc('/usr/local/bin/goreleaser', null, 'release --clean');
    const sh = proc('/bin/sh', goreleaser, '-c true');
    expect(mayReadOwnProducts(proc('/bin/cat', sh))).toBe(false);
  });
});
