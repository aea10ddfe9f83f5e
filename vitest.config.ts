import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // Integration, fidelity and e2e tests start real processes; give them room on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    maxWorkers: 2,
    // Chromium, real processes and a benchmark-grade load share 2 cores: a test that timed out
    // waiting for a condition runs once more before it counts as failed.
    retry: 1,
    reporters: ['default', './tests/support/summaryReporter.ts'],
  },
  resolve: {
    alias: { '@': new URL('.', import.meta.url).pathname },
  },
});
