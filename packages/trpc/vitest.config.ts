import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'trpc',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration tests create databases and hash passwords with scrypt (~100 ms each by design).
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
