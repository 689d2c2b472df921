import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Interop suites start real client processes; two cores cannot run many at once.
    maxWorkers: 2,
    minWorkers: 1,
  },
})
