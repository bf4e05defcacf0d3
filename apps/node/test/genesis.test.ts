import { formatAccount, generateKeyPair, utf8 } from '@freebird/protocol'
import { describe, expect, it } from 'vitest'
import type { CliError } from '../src/cli-error.ts'
import { makeGenesis, parseGenesis } from '../src/genesis.ts'

const account = () => formatAccount(generateKeyPair().publicKey)
const codeOf = (text: string) => {
  try {
    parseGenesis(utf8(text))
    return 'ok'
  } catch (error) {
    return (error as CliError).code
  }
}
const base = { freebird: 1, network: 'n', createdAt: '2026-01-01T00:00:00.000Z' }

describe('genesis', () => {
  it('carries a committee and allocations, and its id changes with them', () => {
    const committee = [{ validator: account(), weight: 1, peerId: '12D3KooWpeer' }]
    const allocations = [{ account: account(), amount: '1000000000000000000000' }]
    const createdAt = new Date('2026-01-01T00:00:00Z')
    const text = makeGenesis('devnet', { createdAt, committee, allocations })
    const loaded = parseGenesis(utf8(text))
    expect(loaded.genesis.committee).toEqual(committee)
    expect(loaded.genesis.allocations).toEqual(allocations)
    expect(loaded.networkIdText).not.toBe(
      parseGenesis(utf8(makeGenesis('devnet', { createdAt }))).networkIdText,
    )
  })

  it('refuses malformed ledger parts with genesis.invalid', () => {
    const v = account()
    const cases = [
      { committee: {} },
      { committee: [{ validator: 'not-an-account', weight: 1, peerId: 'p' }] },
      { committee: [{ validator: v, weight: 0, peerId: 'p' }] },
      { committee: [{ validator: v, weight: 1.5, peerId: 'p' }] },
      { committee: [{ validator: v, weight: 1 }] },
      {
        committee: [
          { validator: v, weight: 1, peerId: 'p' },
          { validator: v, weight: 1, peerId: 'q' },
        ],
      },
      { allocations: [{ account: v, amount: 5 }] },
      { allocations: [{ account: v, amount: '-5' }] },
      { allocations: [{ account: v, amount: '007' }] },
      { allocations: [{ account: 'x', amount: '1' }] },
    ]
    for (const extra of cases)
      expect(codeOf(JSON.stringify({ ...base, ...extra }))).toBe('genesis.invalid')
    expect(codeOf(JSON.stringify({ ...base, committee: [], allocations: [] }))).toBe('ok')
  })
})
