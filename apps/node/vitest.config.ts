import { sharedTestConfig } from '../../vitest.shared.ts'

export default sharedTestConfig({ testTimeout: 60_000 })
