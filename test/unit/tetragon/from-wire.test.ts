/**
 * The wire-level normalizer (from-wire.ts) must give exactly what decoding with the generated code and
 * normalizing the decoded message gives: on every real sample, every generated event, the scenario
 * library's events, and every truncation of them (same event, or both refuse the bytes).
 */
import { describe, expect, it } from 'vitest';
import { normalizeTetragonBytes } from '../../../src/formats/tetragon/from-wire.js';
import { normalizeTetragonResponse, tetragonJsonToProto } from '../../../src/formats/tetragon/index.js';
import { GetEventsResponse } from '../../../src/generated/tetragon/events.js';
import { expandScenario, loadScenarios, tetragonEvent } from '../../../src/scenarios/index.js';
import { generatedEvents } from '../../fixtures/tetragon/generated.js';
import { allSamples } from '../../fixtures/tetragon/samples.js';

const defaults = { node: 'default-node' };

const encode = (json: Record<string, unknown>) => GetEventsResponse.encode(tetragonJsonToProto(json)).finish();

function viaGenerated(bytes: Uint8Array): unknown {
  try {
    return normalizeTetragonResponse(GetEventsResponse.decode(bytes), defaults);
  } catch (err) {
    return { threw: err instanceof Error };
  }
}

function viaWire(bytes: Uint8Array): unknown {
  try {
    return normalizeTetragonBytes(bytes, defaults);
  } catch (err) {
    return { threw: err instanceof Error };
  }
}

const fixtureCases: Array<[string, Record<string, unknown>]> = [
  ...allSamples().map((s): [string, Record<string, unknown>] => [`${s.file}#${s.index}`, s.json]),
  ...generatedEvents().map(([name, json]): [string, Record<string, unknown>] => [`generated: ${name}`, json]),
];

describe('Tetragon gRPC bytes normalize like decode + normalizeTetragonResponse', () => {
  it.each(fixtureCases)('%s', (_name, json) => {
    const bytes = encode(json);
    const expected = normalizeTetragonResponse(GetEventsResponse.decode(bytes), defaults);
    const got = normalizeTetragonBytes(bytes, defaults);
    expect(got).toEqual(expected);
    expect(JSON.stringify(got)).toBe(JSON.stringify(expected));
  });

  it('every event of the scenario library (exec, exit, reads, connects, sends, closes in many pods)', () => {
    let compared = 0;
    for (const scenario of loadScenarios()) {
      for (const a of expandScenario(scenario).activities) {
        const bytes = encode(tetragonEvent(a));
        expect(normalizeTetragonBytes(bytes, defaults)).toEqual(
          normalizeTetragonResponse(GetEventsResponse.decode(bytes), defaults),
        );
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('every truncation of every fixture: the same event, or both refuse it', () => {
    let refused = 0;
    for (const [, json] of fixtureCases) {
      const bytes = encode(json);
      for (let cut = 0; cut < bytes.length; cut++) {
        const part = bytes.subarray(0, cut);
        const expected = viaGenerated(part);
        expect(viaWire(part)).toEqual(expected);
        if ((expected as { threw?: string } | null)?.threw) refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });

  it('a file mode that is not ASCII: the execute bits are looked for where the generated code looks (UTF-16, not bytes)', () => {
    const [, map] = fixtureCases.find(
      ([n]) => n === 'generated: security_mmap_file of a data file for reading (size resolved)',
    )!;
    for (const permission of ['éééééx', 'ü-r--r--r-x', '-r--r--r-–', '\u{1F600}r--r--', '']) {
      const json = structuredClone(map) as { process_kprobe: { args: Array<{ file_arg?: { permission: string } }> } };
      json.process_kprobe.args[0]!.file_arg!.permission = permission;
      const bytes = encode(json);
      expect(normalizeTetragonBytes(bytes, defaults), permission).toEqual(
        normalizeTetragonResponse(GetEventsResponse.decode(bytes), defaults),
      );
    }
  });

  it('a message with fields repeated: the last process, the last oneof member win, as in the generated code', () => {
    const [, first] = fixtureCases.find(([n]) => n.includes('tcp_sendmsg'))!;
    const [, second] = fixtureCases.find(([n]) => n.includes('process_exec'))!;
    const bytes = Buffer.concat([encode(first), encode(second)]);
    expect(normalizeTetragonBytes(bytes, defaults)).toEqual(
      normalizeTetragonResponse(GetEventsResponse.decode(bytes), defaults),
    );
    expect(normalizeTetragonBytes(bytes, defaults)?.kind).toBe('exec');
  });
});
