import { sha256 } from '@noble/hashes/sha2.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSigner, type KeyPair, toHex, utf8 } from '../src/index.ts'
import {
  buildCertificate,
  buildTransferOrder,
  type Certificate,
  LedgerState,
  ledgerGenesisFields,
  ledgerParams,
  signVote,
} from '../src/ledger/index.ts'
import { key, NETWORK, T0 } from './fixtures.ts'

const validators = [0, 1, 2, 3].map((i) => createSigner(key(`validator ${i}`).secretKey))
const people = ['alice', 'bob', 'carol', 'dave'].map(key)
const issuer = key('issuer')
const everyone = [...people, issuer]
const posts = [sha256(utf8('post a')), sha256(utf8('post b'))]
const params = ledgerParams(
  ledgerGenesisFields({
    committee: validators.map((v, i) => ({ key: v.publicKey, weight: 1, peerId: `peer ${i}` })),
    allocations: [
      { account: (people[0] as KeyPair).publicKey, amount: 1000n },
      { account: (people[1] as KeyPair).publicKey, amount: 300n },
      { account: (people[2] as KeyPair).publicKey, amount: 50n },
    ],
    issuer: issuer.publicKey,
    supplyCap: 500n,
  }),
  NETWORK,
)
const allocated = [...params.allocations.values()].reduce((a, b) => a + b, 0n)
const trust = () => true

interface Intent {
  from: number
  to: number
  amount: bigint
  kind: 'payment' | 'tip' | 'purchase'
  post: number
}
const intent: fc.Arbitrary<Intent> = fc.record({
  from: fc.nat({ max: everyone.length - 1 }),
  to: fc.nat({ max: people.length - 1 }),
  amount: fc.bigInt({ min: 1n, max: 80n }),
  kind: fc.constantFrom('payment', 'tip', 'purchase'),
  post: fc.nat({ max: posts.length - 1 }),
})

// Signing is the slow part; shrinking asks for the same certificates again.
const signed = new Map<string, Certificate>()
function certificateFor(sender: KeyPair, to: KeyPair, i: Intent, seq: number): Certificate {
  const kind = sender === issuer ? 'reward' : i.kind
  const name = [toHex(sender.publicKey), toHex(to.publicKey), i.amount, seq, kind, i.post].join()
  const cached = signed.get(name)
  if (cached) return cached
  const order = buildTransferOrder(
    {
      to: to.publicKey,
      amount: i.amount,
      seq,
      kind,
      ...(kind === 'tip' ? { ref: posts[i.post] as Uint8Array } : {}),
      timestamp: T0 + seq,
    },
    { network: NETWORK, signer: createSigner(sender.secretKey) },
  )
  const votes = validators.slice(0, 3).map((v) => signVote(order.id, v))
  const certificate = buildCertificate(order, votes, params, trust)
  signed.set(name, certificate)
  return certificate
}

/**
 * A history honest validators could certify: each intent becomes the
 * sender's next order if the vote rule (checkOrder) allows it at that point.
 */
function history(intents: Intent[]): Certificate[] {
  const model = new LedgerState(params)
  const out: Certificate[] = []
  for (const i of intents) {
    const sender = everyone[i.from] as KeyPair
    const to = people[i.to] as KeyPair
    if (sender === to) continue
    const c = certificateFor(sender, to, i, model.account(sender.publicKey).nextSeq)
    if (model.checkOrder(c.order)) continue
    expect(model.apply(c).status).toBe('applied')
    out.push(c)
  }
  return out
}

function snapshot(state: LedgerState) {
  return {
    accounts: everyone.map((k) => state.account(k.publicKey)),
    tips: posts.map((p) => state.tipsOf(p)),
    pending: [...state.pending()].map((c) => toHex(c.order.id)).sort(),
    total: state.totalBalance(),
  }
}

/** Indices 0..n-1 in the order of the given sort keys. */
const permutation = (n: number, keys: number[]) =>
  Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (keys[a % keys.length] ?? 0) - (keys[b % keys.length] ?? 0) || a - b,
  )
const sortKeys = fc.array(fc.nat(), { minLength: 1, maxLength: 40 })

/** Applies certificates one by one, checking the transient invariant after each. */
function applyAll(certificates: Certificate[]): LedgerState {
  const state = new LedgerState(params)
  for (const c of certificates) {
    expect(state.apply(c).status).not.toBe('conflict')
    // Pending certificates are credited and not yet debited (or counted as minted).
    const minted = state.account(issuer.publicKey).minted
    const pending = [...state.pending()].reduce((sum, p) => sum + p.order.data.amount, 0n)
    expect(state.totalBalance()).toBe(allocated + minted + pending)
  }
  return state
}

describe('ledger state properties', () => {
  it('any arrival order, with duplicates, ends in the state of the seq-order history', () => {
    fc.assert(
      fc.property(
        fc.array(intent, { minLength: 4, maxLength: 60 }),
        sortKeys,
        fc.array(fc.nat(), { maxLength: 6 }),
        (intents, keys, repeats) => {
          const certs = history(intents)
          const inOrder = applyAll(certs)
          const arrival = permutation(certs.length, keys).map((i) => certs[i] as Certificate)
          for (const r of certs.length ? repeats : [])
            arrival.splice(r % (arrival.length + 1), 0, certs[r % certs.length] as Certificate)
          const shuffled = applyAll(arrival)
          expect(snapshot(shuffled)).toEqual(snapshot(inOrder))
          // Nothing pending: every balance is allocations + minted, none negative.
          expect([...shuffled.pending()]).toEqual([])
          const minted = shuffled.account(issuer.publicKey).minted
          expect(shuffled.totalBalance()).toBe(allocated + minted)
          expect(minted <= params.supplyCap).toBe(true)
          for (const k of everyone) expect(shuffled.account(k.publicKey).balance >= 0n).toBe(true)
          // Tips: the certified tip amounts to each post.
          for (const p of posts) {
            const tipped = certs
              .filter((c) => c.order.data.ref && toHex(c.order.data.ref) === toHex(p))
              .filter((c) => c.order.data.kind === 'tip')
              .reduce((sum, c) => sum + c.order.data.amount, 0n)
            expect(shuffled.tipsOf(p)).toBe(tipped)
          }
        },
      ),
      { numRuns: 100 },
    )
  })

  it('any subset (gaps left open) gives one state whatever the arrival order', () => {
    fc.assert(
      fc.property(
        fc.array(intent, { minLength: 4, maxLength: 30 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
        sortKeys,
        sortKeys,
        (intents, keep, keysA, keysB) => {
          const certs = history(intents).filter((_, i) => keep[i % keep.length])
          const a = applyAll(permutation(certs.length, keysA).map((i) => certs[i] as Certificate))
          const b = applyAll(permutation(certs.length, keysB).map((i) => certs[i] as Certificate))
          expect(snapshot(a)).toEqual(snapshot(b))
          for (const c of certs)
            expect(toHex(a.slot(c.order.data.from, c.order.data.seq) as Uint8Array)).toBe(
              toHex(c.order.id),
            )
        },
      ),
      { numRuns: 100 },
    )
  })
})
