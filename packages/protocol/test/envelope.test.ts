import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildPostAdd, createSigner, encodeCanonical, encodeEnvelope } from '../src/index.ts'
import { decodeEnvelopeSlow, type Envelope, readCanonicalEnvelope } from '../src/message/codec.ts'
import { alice, NETWORK, T0 } from './fixtures.ts'

const post = buildPostAdd(
  { text: 'x' },
  { network: NETWORK, signer: createSigner(alice.secretKey), timestamp: T0 },
)
const generic = (bytes: Uint8Array): Envelope | null => {
  try {
    return decodeEnvelopeSlow(bytes)
  } catch {
    return null
  }
}
/** The fast path and the generic strict decoder accept exactly the same bytes, with the same result. */
const agree = (bytes: Uint8Array) => {
  const fast = readCanonicalEnvelope(bytes)
  const slow = generic(bytes)
  expect(fast === null).toBe(slow === null)
  if (fast && slow) expect(fast).toEqual(slow)
}
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 })
const bytes64 = fc.uint8Array({ minLength: 64, maxLength: 64 })

describe('envelope fast path', () => {
  it('reads every canonical envelope, for every data length', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        bytes32,
        bytes64,
        (data, signer, signature) => {
          const bytes = encodeEnvelope({ data, signer, signature })
          expect(readCanonicalEnvelope(bytes)).toEqual({ data, signer, signature })
          agree(bytes)
        },
      ),
    )
  })

  it('agrees with the generic decoder on every mutation and truncation', () => {
    fc.assert(
      fc.property(
        fc.nat(post.bytes.length - 1),
        fc.integer({ min: 1, max: 255 }),
        fc.integer({ min: 1, max: post.bytes.length + 1 }),
        (at, xor, cut) => {
          const bytes = Uint8Array.from([...post.bytes, 0]).slice(0, cut)
          if (at < bytes.length) bytes[at] = (bytes[at] as number) ^ xor
          agree(bytes)
        },
      ),
      { numRuns: 5000 },
    )
  })

  it('agrees on envelope-like maps: wrong sizes, wrong types, extra or missing keys, other orders', () => {
    const field = fc.oneof(fc.uint8Array({ maxLength: 70 }), fc.string(), fc.nat())
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('data', 'signer', 'signature', 'x'), field),
        (obj) => agree(encodeCanonical(obj)),
      ),
      { numRuns: 3000 },
    )
    // Same entries, keys not in canonical order: only the generic decoder sees it (and refuses).
    const swapped = Uint8Array.of(
      0xa3,
      ...encodeCanonical({ signer: post.signer }).slice(1),
      ...encodeCanonical({ data: post.dataBytes }).slice(1),
      ...encodeCanonical({ signature: post.signature }).slice(1),
    )
    agree(swapped)
    expect(readCanonicalEnvelope(swapped)).toBeNull()
  })
})
