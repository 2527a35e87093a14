/**
 * A credential handed to a push as NAME=value (an `env` argv, a query, a form field) under the names CI systems and
 * their docs use: `AZURE_DEVOPS_EXT_PAT` (the az devops CLI reads it), `GH_PAT`/`GITLAB_PAT`, `CR_PAT`
 * (GitHub's ghcr.io login docs), `DOCKER_PASS`/`REGISTRY_PASS`. The NAME=value rule took names containing
 * token, password, secret, key or auth; a last word PAT or PASS was none, so the value reached the alert.
 */
import { describe, expect, it } from 'vitest';
import { redact } from '../../../src/correlate/redact.js';
import { MiB, run, Scenario } from './builder.js';

const PAT = 'k3q9zt7wQpXm2LrVb8NcY4aJ';
const PASS = 'Hunt3rPassValue77';

describe('redaction of PAT and PASS assignments', () => {
  it.each([
    [`AZURE_DEVOPS_EXT_PAT=${PAT} az repos list`, 'AZURE_DEVOPS_EXT_PAT=[REDACTED] az repos list'],
    [`GITLAB_PAT=${PAT} glab release upload v1 d.tgz`, 'GITLAB_PAT=[REDACTED] glab release upload v1 d.tgz'],
    [`CR_PAT=${PAT} ./push.sh`, 'CR_PAT=[REDACTED] ./push.sh'],
    [`DOCKER_PASS=${PASS} ./push.sh`, 'DOCKER_PASS=[REDACTED] ./push.sh'],
    [
      `-T d.tgz "https://h.example/up?user=bob&pass=${PASS}"`,
      '-T d.tgz "https://h.example/up?user=bob&pass=[REDACTED]"',
    ],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });

  // A shell script quotes its assignments; the value ran past the opening quote untouched.
  it.each([
    [`DOCKER_PASS="${PASS}" docker login -u bob`, 'DOCKER_PASS="[REDACTED]" docker login -u bob'],
    [`GH_PAT='${PAT}' ./push.sh`, "GH_PAT='[REDACTED]' ./push.sh"],
    [`DB_PASSWORD="${PASS} two words" pg_dump -h db`, 'DB_PASSWORD="[REDACTED]" pg_dump -h db'],
    [`GITLAB_TOKEN='${PAT}' git push origin`, "GITLAB_TOKEN='[REDACTED]' git push origin"],
    // A sh -c script's value over two lines; one whose closing quote Falco's 4 KiB cut took: to the end.
    [`DB_PASSWORD="${PASS}\n${PAT}" pg_dump -h db`, 'DB_PASSWORD="[REDACTED]" pg_dump -h db'],
    [`GH_PAT='${PAT}\n${PASS} more`, "GH_PAT='[REDACTED]'"],
  ])('quoted: %s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });

  it.each([
    'PATH=/usr/local/bin:/usr/bin git push origin main',
    'GITHUB_PAT_FILE=/run/secrets/pat gh release upload v1 d.tgz',
    'BYPASS=1 COMPASS=on PATTERN=x* ./push.sh',
  ])('keeps %s', (text) => {
    expect(redact(text)).toBe(text);
  });

  it("a push's args in the alert carry no PASS value (curl's form field)", () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const tar = s.exec(c, '/bin/tar', 'czf /tmp/d.tgz /srv/data', { parent: sh });
    s.readMany(tar, '/srv/data', 10, 8 * MiB);
    s.wait(1000);
    const curl = s.exec(
      c,
      '/usr/bin/curl',
      `-F user=bob -F pass=${PASS} -F file=@/tmp/d.tgz https://gitlab.com/api/v4/projects/1/uploads`,
      { parent: sh },
    );
    s.connect(curl, '172.65.251.78', 443).send(curl, '172.65.251.78', 443, 2 * MiB);
    const alerts = run(s.events).alerts;
    expect(alerts.length).toBe(1);
    expect(JSON.stringify(alerts)).not.toContain(PASS);
    expect(alerts[0]?.process.args).toBe(
      '-F user=bob -F pass=[REDACTED] -F file=@/tmp/d.tgz https://gitlab.com/api/v4/projects/1/uploads',
    );
    expect(alerts[0]?.push.destination).toBe('gitlab.com');
  });
});
