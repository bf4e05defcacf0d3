import { defineConfig } from 'vitest/config'

/**
 * Test settings shared by every package. Besides the console, each run writes
 * .vitest-results.json so .ci/run can print one total for the whole repository.
 */
export const sharedTestConfig = (options: { testTimeout?: number; include?: string[] } = {}) =>
  defineConfig({
    test: {
      include: options.include ?? ['test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 30_000,
      reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    },
  })
