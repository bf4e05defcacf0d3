import { sharedTestConfig } from '../../vitest.shared.ts'

export default sharedTestConfig({ testTimeout: 30_000 })
