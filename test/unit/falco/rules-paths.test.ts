/**
 * Which opened files the Falco rules emit, by a model of Falco's condition language (./condition-eval.ts):
 * data wherever it is named from (procfs links, `..` after them, as Falco normalizes the text), a process's
 * environment and memory, and no other procfs, sysfs or device file. What each emitted path then counts for is the
 * classifier's (test/unit/correlate/classify.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evaluate, type RulesModel } from './condition-eval.js';

const RULES_FILE = join(import.meta.dirname, '../../../sensor-config/falco/exfilwatch_rules.yaml');

interface Item {
  macro?: string;
  list?: string;
  condition?: string;
  items?: string[];
}

describe('the Falco rules emit an opened file when it is data (exfilwatch_real_file)', () => {
  const doc = parse(readFileSync(RULES_FILE, 'utf8')) as Item[];
  const model: RulesModel = {
    macros: new Map(doc.filter((d) => d.macro !== undefined).map((d) => [d.macro!, d.condition!])),
    lists: new Map(doc.filter((d) => d.list !== undefined).map((d) => [d.list!, d.items!.map(String)])),
  };
  const emitted = (path: string) => evaluate(model, 'exfilwatch_real_file', { 'fd.typechar': 'f', 'fd.name': path });

  for (const path of [
    '/srv/exports/2024-01.parquet',
    '/proc/self/root/srv/exports/2024-01.parquet',
    '/proc/1/cwd/dump.sql',
    '/dev/root/srv/x',
    // `..` right after the link: /proc/self/cwd/../srv/x and /proc/self/root/../etc/shadow as Falco names them.
    '/proc/self/srv/exports/2024-01.parquet',
    '/proc/4242/etc/shadow',
    '/proc/thread-self/dump.sql',
    '/proc/1/environ',
    '/proc/self/environ',
    // A process's memory: a CI runner's secrets dumped from its worker's heap.
    '/proc/812/mem',
    // `..` twice: /proc/self/cwd/../../srv/x; a directory a descriptor holds.
    '/proc/srv/exports/2024-01.parquet',
    '/proc/self/fd/3/orders.csv',
    '/dev/fd/3/orders.csv',
    // `..` twice onto a file; `..` after a descriptor (fd/3/../x).
    '/proc/orders.parquet',
    '/proc/self/fd/orders.parquet',
  ])
    it(`emits ${path}`, () => expect(emitted(path)).toBe(true));

  for (const path of [
    '/proc/1/status',
    '/proc/812/maps',
    '/proc/self/mountinfo',
    '/proc/self/fd/3',
    '/proc/self/task/7/stat',
    '/proc/1/net/tcp6',
    '/proc/meminfo',
    '/proc/sys/kernel/hostname',
    '/proc/driver/nvidia/version',
    '/proc/thread-self/children',
    '/proc/device-tree/model',
    '/proc/self/fd/12',
    '/sys/fs/cgroup/memory.max',
    '/dev/urandom',
  ])
    it(`does not emit ${path}`, () => expect(emitted(path)).toBe(false));

  it('does not emit what is not a file (a socket or pipe fd)', () => {
    expect(evaluate(model, 'exfilwatch_real_file', { 'fd.typechar': 'p', 'fd.name': '/srv/x' })).toBe(false);
  });
});
