import { expect, it } from 'vitest'
import * as verifier from '../src/index.ts'

// Any change to the public surface shows up here in review.
it('public exports', () => {
  expect(Object.keys(verifier).sort()).toMatchSnapshot()
})
