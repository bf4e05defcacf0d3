import * as ed from '@noble/ed25519'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createSigner,
  fromHex,
  generateKeyPair,
  isWeakPublicKey,
  layeredVerifier,
  verifySignature,
} from '../src/index.ts'
import speccheck from '../vectors/ed25519-speccheck.json' with { type: 'json' }

/**
 * The 12 "Taming the many EdDSAs" cases and Freebird's verdict on each. The
 * rule: ZIP-215 (cofactored equation, S < L, non-canonical A and R accepted
 * with the hash over the bytes as given) AND A not of small order.
 */
export const SPECCHECK_VERDICTS: [boolean, string][] = [
  [false, '0: S = 0, A and R of small order: small-order A is refused'],
  [false, '1: 0 < S < L, A of small order, R mixed order: small-order A is refused'],
  [true, '2: A mixed order, R of small order: both equations hold'],
  [true, '3: A and R mixed order: both equations hold'],
  [true, '4: only the cofactored equation holds: ZIP-215 is cofactored'],
  [true, '5: only the cofactored equation holds (L-order A): ZIP-215 is cofactored'],
  [false, '6: S >= L (S + L): non-canonical S is refused'],
  [false, '7: S >= L (high bits set): non-canonical S is refused'],
  [false, '8: non-canonical R, hash over the reduced R: the hash must use R as given'],
  [true, '9: non-canonical R, hash over R as given: ZIP-215 accepts'],
  [false, '10: non-canonical A of small order: small-order A is refused'],
  [false, '11: non-canonical A of small order (hash over A as given): refused'],
]

describe('verifySignature (reference, noble)', () => {
  it('gives the rule’s verdict on every speccheck case', () => {
    expect(speccheck).toHaveLength(SPECCHECK_VERDICTS.length)
    speccheck.forEach((c, i) => {
      const [expected, reason] = SPECCHECK_VERDICTS[i] as [boolean, string]
      const got = verifySignature(fromHex(c.pub_key), fromHex(c.message), fromHex(c.signature))
      expect(got, reason).toBe(expected)
    })
  })

  it('accepts valid signatures and refuses tampered ones', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.nat(63),
        fc.integer({ min: 1, max: 255 }),
        (seed, message, at, flip) => {
          const signer = createSigner(seed)
          const signature = signer.sign(message)
          expect(verifySignature(signer.publicKey, message, signature)).toBe(true)
          const bad = signature.slice()
          bad[at] = (bad[at] as number) ^ flip
          expect(verifySignature(signer.publicKey, message, bad)).toBe(false)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('returns false (never throws) on malformed input', () => {
    const { publicKey } = generateKeyPair()
    expect(verifySignature(publicKey, new Uint8Array(1), new Uint8Array(63))).toBe(false)
    expect(verifySignature(new Uint8Array(31), new Uint8Array(1), new Uint8Array(64))).toBe(false)
    // y = 2^255 - 1 (>= p): not a point.
    expect(
      verifySignature(new Uint8Array(32).fill(0xff), new Uint8Array(1), new Uint8Array(64)),
    ).toBe(false)
  })

  it('marks all eight small-order points (and non-canonical encodings of them) weak', () => {
    const points = [ed.Point.ZERO]
    // A generator of the torsion subgroup: any point of order 8, from the speccheck case 0 key.
    const t = ed.Point.fromBytes(fromHex(speccheck[0]?.pub_key as string), true)
    let p = t
    for (let i = 0; i < 7; i++) {
      points.push(p)
      p = p.add(t)
    }
    expect(new Set(points.map((q) => q.toHex())).size).toBe(8)
    for (const point of points) expect(isWeakPublicKey(point.toBytes())).toBe(true)
    expect(isWeakPublicKey(fromHex(speccheck[11]?.pub_key as string))).toBe(true)
    expect(isWeakPublicKey(generateKeyPair().publicKey)).toBe(false)
  })
})

describe('layeredVerifier', () => {
  it("treats the fast backend's true as final and re-checks its false", () => {
    const signer = createSigner(generateKeyPair().secretKey)
    const message = Uint8Array.of(1, 2, 3)
    const sig = signer.sign(message)
    let referenceCalls = 0
    const reference = (...args: Parameters<typeof verifySignature>) => {
      referenceCalls++
      return verifySignature(...args)
    }
    expect(layeredVerifier(() => true, reference)(signer.publicKey, message, sig)).toBe(true)
    expect(referenceCalls).toBe(0)
    expect(layeredVerifier(() => false, reference)(signer.publicKey, message, sig)).toBe(true)
    expect(referenceCalls).toBe(1)
  })
})
