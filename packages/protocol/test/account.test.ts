import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  formatAccount,
  formatSecretKey,
  fromHex,
  generateKeyPair,
  isAccount,
  parseAccount,
  parseSecretKey,
  toHex,
} from '../src/index.ts'
import vectors from '../vectors/accounts.json' with { type: 'json' }
import { codeOf } from './codes.ts'

describe('account text', () => {
  it('matches the vectors in both directions', () => {
    for (const v of vectors.valid) {
      expect(formatAccount(fromHex(v.publicKey))).toBe(v.account)
      expect(toHex(parseAccount(v.account))).toBe(v.publicKey)
      expect(toHex(parseAccount(v.account.toUpperCase()))).toBe(v.publicKey)
    }
  })

  it('says what is wrong with bad text', () => {
    for (const v of vectors.invalid)
      expect(
        codeOf(() => parseAccount(v.text)),
        v.text,
      ).toBe(v.code)
  })

  it('round-trips any 32 bytes, starting "fb1", 61 characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (key) => {
        const text = formatAccount(key)
        expect(text).toMatch(/^fb1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$/)
        expect(parseAccount(text)).toEqual(key)
      }),
    )
  })

  it('catches every single-character typo', () => {
    const text = formatAccount(generateKeyPair().publicKey)
    const charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
    for (let i = 3; i < text.length; i++) {
      const other = charset[(charset.indexOf(text.charAt(i)) + 7) % 32] as string
      const typo = text.slice(0, i) + other + text.slice(i + 1)
      expect(codeOf(() => parseAccount(typo))).toBe('invalid.account_checksum')
    }
  })

  it('refuses keys of the wrong length', () => {
    expect(codeOf(() => formatAccount(new Uint8Array(31)))).toBe('invalid.account_length')
    expect(isAccount('fb1')).toBe(false)
  })
})

describe('secret key text', () => {
  it('round-trips through fbsecret1... and hex', () => {
    const { secretKey } = generateKeyPair()
    const text = formatSecretKey(secretKey)
    expect(text.startsWith('fbsecret1')).toBe(true)
    expect(parseSecretKey(text)).toEqual(secretKey)
    expect(parseSecretKey(toHex(secretKey))).toEqual(secretKey)
  })

  it('refuses anything else with invalid.secret_key', () => {
    expect(codeOf(() => parseSecretKey(formatAccount(new Uint8Array(32))))).toBe(
      'invalid.secret_key',
    )
    expect(codeOf(() => parseSecretKey('00'))).toBe('invalid.secret_key')
  })
})
