import { randomBytes } from 'node:crypto'
import { createSigner, fromHex, type Verifier, verifySignature } from '@freebird/protocol'
import speccheck from '@freebird/protocol/vectors/ed25519-speccheck.json' with { type: 'json' }
import { describe, expect, it } from 'vitest'
import {
  createNodeSigner,
  createNodeVerifier,
  createOpenSslVerifier,
  createSodiumVerifier,
  type Ed25519Backend,
  ed25519Backend,
} from '../src/index.ts'

// Freebird's verdicts (reasons in packages/protocol/test/signature.test.ts).
const SPECCHECK = [false, false, true, true, true, true, false, false, false, true, false, false]

// libsodium is there where sodium-native has a prebuild (linux-x64 here); elsewhere its tests skip.
const SODIUM = ed25519Backend() === 'libsodium'
const BACKENDS: [Ed25519Backend, () => Verifier][] = [
  ['openssl', () => createOpenSslVerifier()],
  ...(SODIUM
    ? [['libsodium', () => createSodiumVerifier()] as [Ed25519Backend, () => Verifier]]
    : []),
]

it.skipIf(process.platform !== 'linux' || process.arch !== 'x64')(
  'uses libsodium by default on linux-x64 (sodium-native has a prebuild)',
  () => {
    expect(ed25519Backend()).toBe('libsodium')
  },
)

describe.each(BACKENDS)('%s in front of the reference', (backend, createFast) => {
  const nodeVerify = createNodeVerifier({ backend })
  const openssl = createFast()

  it('gives the rule’s verdict on every speccheck case, like the reference', () => {
    speccheck.forEach((c, i) => {
      const args = [fromHex(c.pub_key), fromHex(c.message), fromHex(c.signature)] as const
      expect(nodeVerify(...args), `case ${i}`).toBe(SPECCHECK[i])
      expect(verifySignature(...args), `case ${i}`).toBe(SPECCHECK[i])
      // The backend's own "valid" must be right even where it is alone (small-order keys).
      if (openssl(...args)) expect(SPECCHECK[i], `${backend} accepted case ${i}`).toBe(true)
    })
  })

  it('never disagrees with the reference on thousands of valid and tampered signatures', () => {
    let fastAccepted = 0
    let checked = 0
    for (let i = 0; i < 1000; i++) {
      const signer = createSigner(randomBytes(32))
      const message = new Uint8Array(randomBytes(32))
      const signature = signer.sign(message)
      const cases: [Uint8Array, Uint8Array, Uint8Array][] = [[signer.publicKey, message, signature]]
      const flip = (b: Uint8Array) => {
        const c = Uint8Array.from(b)
        const at = i % c.length
        c[at] = (c[at] as number) ^ (1 << (i % 8))
        return c
      }
      cases.push([signer.publicKey, message, flip(signature)])
      cases.push([signer.publicKey, flip(message), signature])
      cases.push([flip(signer.publicKey), message, signature])
      for (const [key, msg, sig] of cases) {
        const reference = verifySignature(key, msg, sig)
        expect(nodeVerify(key, msg, sig)).toBe(reference)
        const fast = openssl(key, msg, sig)
        if (fast) {
          expect(reference).toBe(true)
          fastAccepted++
        }
        checked++
      }
    }
    expect(checked).toBe(4000)
    // The fast path really carries the valid ones (this is where the speed comes from).
    expect(fastAccepted).toBe(1000)
  })

  it('returns false on malformed input and survives an evicting cache', () => {
    const small = createNodeVerifier({ cacheSize: 2, backend })
    for (let i = 0; i < 10; i++) {
      const signer = createSigner(randomBytes(32))
      expect(small(signer.publicKey, Uint8Array.of(i), signer.sign(Uint8Array.of(i)))).toBe(true)
    }
    expect(nodeVerify(new Uint8Array(31), new Uint8Array(1), new Uint8Array(64))).toBe(false)
    expect(nodeVerify(new Uint8Array(32), new Uint8Array(1), new Uint8Array(63))).toBe(false)
  })
})

describe.each(SODIUM ? (['openssl', 'libsodium'] as const) : (['openssl'] as const))(
  '%s signer',
  (backend) => {
    it('makes the same signatures as the reference signer', () => {
      for (let i = 0; i < 50; i++) {
        const secret = randomBytes(32)
        const message = randomBytes(i)
        const a = createNodeSigner(secret, { backend })
        const b = createSigner(secret)
        expect(a.publicKey).toEqual(b.publicKey)
        expect(a.sign(message)).toEqual(b.sign(message))
      }
    })
  },
)
