import { expect, it } from 'vitest'
import * as protocol from '../src/index.ts'
import * as ledger from '../src/ledger/index.ts'

// Any change to the public surface shows up here in review.
it('public exports', () => {
  expect(Object.keys(protocol).sort()).toMatchSnapshot()
})

it('public exports of @freebird/protocol/ledger, none of them also in the main entry', () => {
  expect(Object.keys(ledger).sort()).toMatchSnapshot()
  for (const name of Object.keys(ledger)) expect(protocol).not.toHaveProperty(name)
})
