import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: ['@tsvisor/source'] },
  ssr: { resolve: { conditions: ['@tsvisor/source'] } },
  test: {
    name: '@tsvisor/network',
    environment: 'node',
    include: ['src/**/*.test.ts'],
    reporters: ['default'],
    testTimeout: 30_000,
  },
});
