import { defineConfig } from 'vitest/config';

// Unit tests live beside the code (src/**/x.test.ts); black-box tests that start real
// processes live in test/. Both run in forked workers so a test that spawns servers
// cannot disturb another's event loop.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
