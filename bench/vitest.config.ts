import { defineProject } from 'vitest/config';

// Only the harness's own unit tests; the benchmarks themselves never run under `npm test`.
export default defineProject({
  test: { name: 'bench', include: ['*.test.ts'] },
});
