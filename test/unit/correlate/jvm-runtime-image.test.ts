/**
 * Every JVM maps its JDK's runtime image, `lib/modules` (the class library: 139 MiB for a JDK 25, measured
 * with strace: one `mmap(NULL, 145959730, PROT_READ, MAP_SHARED, …)` for `java -version`). Under
 * `/usr/lib/jvm/` (Debian, Corretto, UBI) it is noise by its prefix; under `/opt/java/openjdk/` (the
 * eclipse-temurin images that jenkins/inbound-agent, maven and gradle build on) or a CI tool cache it counted
 * as 139 MiB read, so a Jenkins agent's `git push` of a tag was `bulk-read-then-push`, high. Mapped, it is
 * code like a shared library; read with read(2) (a copy of it) it still counts.
 */
import { describe, expect, it } from 'vitest';
import { isUncountedMapping } from '../../../src/correlate/paths.js';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, run, Scenario } from './builder.js';

const GITHUB_IP = '140.82.112.3';
const MODULES = 145_959_730;

/** A Jenkins Kubernetes agent pod: the agent JVM starts, a build's `sh` step tags and pushes. */
function jenkinsAgentTagPush(source: SensorSource, javaHome = '/opt/java/openjdk') {
  const s = new Scenario({ source });
  const c = s.container({
    namespace: 'jenkins',
    pod: 'release-42-kx7q1-7b2cd',
    name: 'jnlp',
    image: 'jenkins/inbound-agent:3283.v92c105e0f819-1-jdk21',
  });
  const java = s.init(c, `${javaHome}/bin/java`, '-jar /usr/share/jenkins/agent.jar -url http://jenkins:8080/');
  // The sensors: Tetragon's security_mmap_file with the size; Falco the open alone.
  s.read(java, `${javaHome}/lib/modules`, s.falco ? null : MODULES, { op: s.falco ? 'open' : 'map' });
  s.read(java, '/home/jenkins/agent/remoting/jarCache/4A/1F0C.jar', 900_000);
  s.wait(40_000);
  const sh = s.exec(c, '/bin/sh', '-xe /home/jenkins/agent/workspace/release@tmp/durable-5d1c/script.sh', {
    parent: java,
  });
  s.wait(10_000);
  return { s, c, sh };
}

function tagPush(s: Scenario, c: Ctr, parent: Proc): void {
  const url = 'https://github.com/acme/payments.git';
  const push = s.exec(c, '/usr/bin/git', `push ${url} refs/tags/v3.8.0`, { parent });
  const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', `${url} ${url}`, { parent: push });
  s.connect(helper, GITHUB_IP, 443, { cookie: '7' }).send(helper, GITHUB_IP, 443, 5_000, { cookie: '7' });
  s.wait(300).exit(helper).exit(push);
}

describe("the JDK's runtime image", () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    "mapped by the agent's JVM, it does not make a Jenkins agent's tag push bulk (%s)",
    (source) => {
      const { s, c, sh } = jenkinsAgentTagPush(source);
      tagPush(s, c, sh);
      expect(brief(run(s.events).alerts)).toEqual([
        { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
      ]);
    },
  );

  it('is the same wherever the JDK is installed (a CI tool cache, a jlink runtime)', () => {
    for (const home of ['/opt/hostedtoolcache/Java_Temurin-Hotspot_jdk/21.0.5-11/x64', '/opt/app/runtime']) {
      const { s, c, sh } = jenkinsAgentTagPush('tetragon', home);
      tagPush(s, c, sh);
      expect(brief(run(s.events).alerts).map((a) => a.rule)).toEqual(['push-without-reads']);
    }
  });

  it('read with read(2), a copy of the file, still counts', () => {
    const { s, c, sh } = jenkinsAgentTagPush('tetragon');
    const cp = s.exec(c, '/bin/cp', '/opt/java/openjdk/lib/modules /tmp/.m/blob', { parent: sh });
    for (let off = 0; off < MODULES; off += 8 * MiB) s.read(cp, '/opt/java/openjdk/lib/modules', 8 * MiB);
    s.exit(cp);
    tagPush(s, c, sh);
    expect(brief(run(s.events).alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
  });

  it('only a file named modules directly in a lib directory', () => {
    expect(isUncountedMapping('/opt/java/openjdk/lib/modules')).toBe(true);
    expect(isUncountedMapping('/srv/lib/modules.db')).toBe(false);
    expect(isUncountedMapping('/srv/lib/modules/part-1.csv')).toBe(false);
    expect(isUncountedMapping('/srv/exports/modules')).toBe(false);
  });
});
