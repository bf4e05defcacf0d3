import { describe, expect, it } from 'vitest'
import {
  buildPostAdd,
  buildProfileSet,
  createSigner,
  matchesFilter,
  networkIdFromGenesis,
  utf8,
} from '../src/index.ts'

const network = networkIdFromGenesis(utf8('filter tests'))
const alice = createSigner(new Uint8Array(32).fill(1))
const bob = createSigner(new Uint8Array(32).fill(2))
const root = buildPostAdd({ text: 'root' }, { network, signer: alice })
const reply = buildPostAdd({ text: 'reply', parent: root.id }, { network, signer: bob })
const profile = buildProfileSet({ field: 'name', value: 'A' }, { network, signer: alice })

describe('matchesFilter (subscription filters, PROTOCOL.md §13.5)', () => {
  it('matches everything when empty, and each field narrows', () => {
    for (const m of [root, reply, profile]) expect(matchesFilter({}, m)).toBe(true)
    expect(
      [root, reply, profile].map((m) => matchesFilter({ authors: [alice.publicKey] }, m)),
    ).toEqual([true, false, true])
    expect([root, reply, profile].map((m) => matchesFilter({ types: ['post.add'] }, m))).toEqual([
      true,
      true,
      false,
    ])
    expect([root, reply, profile].map((m) => matchesFilter({ parent: root.id }, m))).toEqual([
      false,
      true,
      false,
    ])
    expect(matchesFilter({ authors: [alice.publicKey], parent: root.id }, reply)).toBe(false)
  })
})
