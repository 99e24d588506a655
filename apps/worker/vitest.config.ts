import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'worker',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Several tests start the CLI (tsx, then migrations): seconds each on a busy machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
