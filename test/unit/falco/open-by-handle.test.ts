/**
 * open_by_handle_at(2) opens a file by its handle on a mount the process holds (CAP_DAC_READ_SEARCH): the
 * "Shocker" container escape reads the host's files (/etc/shadow, the kubelet's client key, other pods'
 * tokens) through the filesystem of a bind mount such as /etc/hosts. Tetragon's vfs_read hook sees those
 * reads whatever opened the file; Falco's open rule named open, openat and openat2 only, so without
 * base_syscalls.all (no read rule) the files were never seen. The syscall makes a descriptor, so Falco
 * traces it anyway: naming it costs no kernel-side event.
 */
import { describe, expect, it } from 'vitest';
import { normalizeFalco, parseFalcoJson } from '../../../src/formats/falco/index.js';
import { readAlert } from '../../fixtures/falco/events.js';
import { evaluate, shippedRules } from './condition-eval.js';

describe('a file opened by open_by_handle_at in a container', () => {
  const model = shippedRules();
  const rule = model.rule('exfilwatch file open read in container');

  it('is emitted by the shipped open rule', () => {
    const fields = {
      'evt.type': 'open_by_handle_at',
      'evt.is_open_read': 'true',
      'fd.num': '5',
      'fd.typechar': 'f',
      'fd.name': '/etc/shadow',
      'container.id': '3f2a9c1b7d4e',
    };
    // fd.num >= 0 is not modelled by value: the evt.type list and the rest of the condition are.
    const condition = String(rule.condition).replace('and fd.num >= 0', '');
    expect(evaluate(model, condition, fields)).toBe(true);
  });

  it('is a file open for the normalizer', () => {
    const text = readAlert('/etc/shadow', 5).replace('"evt.type":"read"', '"evt.type":"open_by_handle_at"');
    const e = normalizeFalco(parseFalcoJson(text), { node: 'n' });
    expect(e?.kind === 'file' && e.file).toEqual({ path: '/etc/shadow', op: 'open', bytes: null });
  });
});
