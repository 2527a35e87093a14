/**
 * A grpc-js server speaking falco.outputs.service/sub with a scripted behaviour per stream, for failures the
 * faithful stand-in (src/sensors-sim/falco-grpc-server.ts) never shows: refusing `sub`, ending it at once,
 * writing bytes that are not a response. Responses are written as raw bytes (passthrough serializer), and
 * it counts `sub` streams and falco.version calls.
 */
import { Server, ServerCredentials, type ServerDuplexStream, status } from '@grpc/grpc-js';
import { response, serviceService } from '../../../src/generated/falco/outputs.js';
import { serviceService as versionService } from '../../../src/generated/falco/version.js';
import { alertTextToResponse } from '../../../src/sensors-sim/falco-grpc-server.js';

export type SubStream = ServerDuplexStream<Buffer, Buffer>;

export interface ScriptedFalco {
  /** Streams opened on `sub` so far. */
  subStreams(): number;
  versionCalls(): number;
  stop(): void;
}

/** A Falco alert text as the wire bytes of one `response`. */
export function responseBytes(alertText: string): Buffer {
  return Buffer.from(response.encode(alertTextToResponse(alertText)).finish());
}

/** Refuses every `sub` with a status, as a server without the outputs service does. */
export function refuse(code = status.UNIMPLEMENTED, details = 'outputs disabled'): (call: SubStream) => void {
  return (call) => call.emit('error', { code, details });
}

export async function startScriptedFalco(address: string, onSub: (call: SubStream) => void): Promise<ScriptedFalco> {
  let subs = 0;
  let versions = 0;
  const server = new Server();
  const sub = serviceService.sub;
  server.addService(
    {
      sub: {
        ...sub,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Buffer) => b,
      },
    },
    {
      sub: (call: SubStream) => {
        subs++;
        call.on('error', () => undefined);
        onSub(call);
      },
    },
  );
  server.addService(versionService, {
    version(_call: unknown, callback: (err: null, res: unknown) => void) {
      versions++;
      callback(null, {
        version: '0.43.0',
        major: 0,
        minor: 43,
        patch: 0,
        prerelease: '',
        build: '',
        engineMajor: 0,
        engineMinor: 0,
        enginePatch: 0,
        engineVersion: '',
        engineFieldsChecksum: '',
      });
    },
  });
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );
  return { subStreams: () => subs, versionCalls: () => versions, stop: () => server.forceShutdown() };
}
