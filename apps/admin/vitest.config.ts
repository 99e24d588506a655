import path from 'node:path';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { alias: { '~': path.resolve(__dirname, 'app') } },
  test: {
    name: 'admin',
    include: ['app/**/*.test.{ts,tsx}', 'server/**/*.test.ts', 'e2e/**/*.test.ts'],
    // Browser and built-server tests start processes; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
