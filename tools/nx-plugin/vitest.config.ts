import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: ['@tsvisor/source'] },
  ssr: { resolve: { conditions: ['@tsvisor/source'] } },
  test: {
    name: '@tsvisor/tools',
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // Generated templates end in `.template`, so they are never collected here.
    testTimeout: 120_000,
  },
});
