import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'trpc', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
