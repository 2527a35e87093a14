import { describe, expect, it } from 'vitest';
import {
  normalizeTetragonJson,
  normalizeTetragonResponse,
  tetragonJsonToProto,
} from '../../../src/formats/tetragon/index.js';
import { GetEventsResponse } from '../../../src/generated/tetragon/events.js';
import { generatedEvents } from '../../fixtures/tetragon/generated.js';
import { allSamples } from '../../fixtures/tetragon/samples.js';

const defaults = { node: 'default-node' };

/** What a gRPC client gets: the JSON event as the agent's proto message, through real protobuf bytes. */
function overTheWire(json: Record<string, unknown>): GetEventsResponse {
  return GetEventsResponse.decode(GetEventsResponse.encode(tetragonJsonToProto(json)).finish());
}

const cases: Array<[string, Record<string, unknown>]> = [
  ...allSamples().map((s): [string, Record<string, unknown>] => [`${s.file}#${s.index}`, s.json]),
  ...generatedEvents().map(([name, json]): [string, Record<string, unknown>] => [`generated: ${name}`, json]),
];

describe('Tetragon JSON export and gRPC normalize to identical events', () => {
  it.each(cases)('%s', (_name, json) => {
    const fromJson = normalizeTetragonJson(json, defaults);
    const fromGrpc = normalizeTetragonResponse(overTheWire(json), defaults);
    expect(fromGrpc).toEqual(fromJson);
    // Same printed line too (key order, number formatting), which is what `exfilwatch events` shows.
    expect(JSON.stringify(fromGrpc)).toBe(JSON.stringify(fromJson));
  });

  it('covers every real sample file and most events normalize to something', () => {
    const files = new Set(allSamples().map((s) => s.file));
    expect(files.size).toBe(13);
    const ignored = cases.filter(([, json]) => normalizeTetragonJson(json, defaults) === null).map(([name]) => name);
    expect(ignored.sort()).toEqual([
      'generated: kprobe with only a string arg (not used)',
      'generated: process_loader (not used)',
      'generated: security_mmap_file of an executable file (a loader mapping)',
      'generated: security_mmap_file of an executable, Tetragon 1.4 mode string',
      'generated: security_mmap_file with PROT_EXEC',
      'process_kprobe.cgroup_bpf_run_filter_skb.sock_skb_int.json#0',
      'process_throttle.cgroup-rate.jsonl#1',
    ]);
  });
});
