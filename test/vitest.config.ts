import { sharedTestConfig } from '../vitest.shared.ts'

export default sharedTestConfig({ testTimeout: 120_000, include: ['**/*.test.ts'] })
