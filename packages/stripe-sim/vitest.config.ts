import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'stripe-sim', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
