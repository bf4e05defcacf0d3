import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareBytes, fromHex, toHex, utf8, utf8Length } from '../src/index.ts'
import { codeOf } from './codes.ts'

describe('bytes helpers', () => {
  it('utf8Length counts what TextEncoder writes, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 50 }), (s) => {
        expect(utf8Length(s)).toBe(utf8(s).length)
      }),
      { numRuns: 1000 },
    )
    expect(utf8Length('\ud800')).toBe(3)
    expect(utf8Length('\u{1F426}')).toBe(4)
  })

  it('hex round-trips and refuses malformed hex with invalid.hex', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (b) => {
        expect(fromHex(toHex(b))).toEqual(b)
      }),
    )
    expect(fromHex('ABcd')).toEqual(Uint8Array.of(0xab, 0xcd))
    for (const bad of ['abc', 'zz', '0x00']) expect(codeOf(() => fromHex(bad))).toBe('invalid.hex')
    expect(codeOf(() => fromHex('00', 2))).toBe('invalid.hex')
  })

  it('compareBytes is the lexicographic order of unsigned bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array(), fc.uint8Array(), (a, b) => {
        const expected = toHex(a) < toHex(b) ? -1 : toHex(a) > toHex(b) ? 1 : 0
        expect(Math.sign(compareBytes(a, b))).toBe(expected)
      }),
    )
  })
})
