import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Generous: CI runs on two cores, and a few tests spawn a process.
          testTimeout: 60_000,
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
          ],
          exclude: ['**/*.aws.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'aws',
          include: ['packages/*/test/**/*.aws.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
