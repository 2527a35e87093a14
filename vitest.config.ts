import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers (grpc-js, nats-server, HTTP); two cores leave little headroom.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // .ci/run reads the JSON report to print its plain 'N passed, N failed' line.
    reporters: ['default', ['json', { outputFile: process.env.EXFILWATCH_TEST_REPORT ?? '.tmp/vitest-report.json' }]],
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
