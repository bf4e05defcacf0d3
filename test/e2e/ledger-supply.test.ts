import { randomBytes, randomInt } from 'node:crypto'
import type { TransferKind } from '@freebird/protocol/ledger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  askAll,
  balanceOf,
  DEMO_BALANCE,
  type LedgerNet,
  ledgerOf,
  order,
  refusalCode,
  startLedgerNet,
  transfer,
  Wallet,
  waitBalances,
  waitSameRoot,
} from './ledger-helpers.ts'

/**
 * Total supply on a 4-validator devnet: thousands of random certified
 * transfers among the demo accounts, driven concurrently (each account's
 * orders in seq order), plus issuer rewards up to the cap. On every node the
 * balances sum to the allocations plus what was minted.
 */
const ACCOUNTS = 16
const PER_ACCOUNT = 125
let net: LedgerNet
beforeAll(async () => {
  net = await startLedgerNet({ accounts: ACCOUNTS })
}, 90_000)
afterAll(async () => {
  await net?.stop()
})

const KINDS: TransferKind[] = ['payment', 'tip', 'purchase']

describe('token ledger: total supply', () => {
  it(`conserves supply over ${ACCOUNTS * PER_ACCOUNT} random transfers and rewards up to the cap`, async () => {
    const { nodes, params } = net
    const wallets = net.accounts.map((s) => new Wallet(s))
    const issuer = new Wallet(net.issuer)
    const cap = params.supplyCap
    expect(cap).toBe(1_000_000_000_000n)
    const expected = new Map<string, bigint>(wallets.map((w) => [w.account, DEMO_BALANCE]))
    const move = (from: string | undefined, to: string, amount: bigint) => {
      if (from) expected.set(from, (expected.get(from) as bigint) - amount)
      expected.set(to, (expected.get(to) as bigint) + amount)
    }
    const pick = (not?: Wallet) => {
      for (;;) {
        const w = wallets[randomInt(wallets.length)] as Wallet
        if (w !== not) return w
      }
    }

    // The issuer mints toward the cap while the accounts trade.
    const rewards = async () => {
      const refused: string[] = []
      // 9 * 10^11 in three rewards, then 2 * 10^11 would pass the cap, 10^11 meets it, 1 passes it.
      for (const amount of [300_000_000_000n, 400_000_000_000n, 200_000_000_000n]) {
        const to = pick()
        await transfer(net, issuer, { to: to.account, amount, kind: 'reward' })
        move(undefined, to.account, amount)
      }
      for (const [amount, allowed] of [
        [200_000_000_000n, false],
        [100_000_000_000n, true],
        [1n, false],
      ] as const) {
        const to = pick()
        if (allowed) {
          await transfer(net, issuer, { to: to.account, amount, kind: 'reward' })
          move(undefined, to.account, amount)
          continue
        }
        const o = order(net, issuer.signer, {
          to: to.account,
          amount,
          seq: issuer.nextSeq,
          kind: 'reward',
        })
        for (const answer of await askAll(nodes, o.bytes)) {
          expect(answer.status).toBe(409)
          refused.push(refusalCode(answer) as string)
        }
      }
      return refused
    }
    const trade = async (w: Wallet) => {
      for (let k = 0; k < PER_ACCOUNT; k++) {
        const to = pick(w)
        const amount = BigInt(randomInt(1, 100_000))
        const kind = KINDS[randomInt(KINDS.length)] as TransferKind
        await transfer(net, w, {
          to: to.account,
          amount,
          kind,
          ...(kind === 'tip' ? { ref: randomBytes(32) } : {}),
        })
        move(w.account, to.account, amount)
      }
    }
    const started = Date.now()
    const [refused] = await Promise.all([rewards(), ...wallets.map(trade)])
    const elapsed = Date.now() - started
    const count = ACCOUNTS * PER_ACCOUNT + 4
    console.log(
      `ledger supply: ${count} certificates in ${elapsed} ms (${Math.round((count * 1000) / elapsed)}/s)`,
    )
    expect(refused).toEqual(Array(8).fill('ledger.supply_cap'))

    // Every node holds the same set, the expected balances, and supply = allocations + minted.
    await waitSameRoot(nodes, count, 60_000)
    const want = new Map<string, { balance: bigint; nextSeq?: number }>()
    for (const [account, balance] of expected) want.set(account, { balance, nextSeq: PER_ACCOUNT })
    want.set(issuer.account, { balance: 0n, nextSeq: 4 })
    await waitBalances(nodes, want, 30_000)
    const allAccounts = [...expected.keys(), issuer.account]
    for (const node of nodes) {
      const ledger = await ledgerOf(node)
      expect(ledger.minted).toBe(cap.toString())
      expect(ledger.allocated).toBe((BigInt(ACCOUNTS) * DEMO_BALANCE).toString())
      let sum = 0n
      for (const account of allAccounts) sum += BigInt((await balanceOf(node, account)).balance)
      expect(sum).toBe(BigInt(ledger.allocated) + BigInt(ledger.minted))
    }
  })
})
