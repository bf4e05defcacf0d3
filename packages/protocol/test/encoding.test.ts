import { encode, rfc8949EncodeOptions } from 'cborg'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import {
  concatBytes,
  decodeCanonical,
  encodeCanonical,
  type ValidationError,
} from '../src/index.ts'
import { bstr, head, map, tstr, uint } from './cbor-craft.ts'
import { referenceDecode, referenceEncode } from './cbor-reference.ts'
import { codeOf } from './codes.ts'

// Values that Freebird messages are made of.
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string(),
    fc.uint8Array({ maxLength: 40 }),
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  ),
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 7 },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 10 }), tie('node'), { maxKeys: 5 }),
  ),
})).node

describe('canonical CBOR', () => {
  it('round-trips every value: encode -> decode -> same value and same bytes', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encodeCanonical(v)
        const back = decodeCanonical(bytes, 'test')
        expect(back).toEqual(v)
        expect(encodeCanonical(back)).toEqual(bytes)
      }),
    )
  })

  it('accepts only bytes that re-encode to themselves (one encoding per value)', () => {
    // Canonical encodings with one byte changed, inserted or removed, and raw noise.
    const mutated = fc
      .tuple(value, fc.nat(), fc.nat(255), fc.constantFrom('set', 'insert', 'delete'))
      .map(([v, at, byte, how]) => {
        const b = [...encodeCanonical(v)]
        const i = at % (b.length + 1)
        if (how === 'set' && i < b.length) b[i] = byte
        else if (how === 'insert') b.splice(i, 0, byte)
        else b.splice(i, 1)
        return Uint8Array.from(b)
      })
    fc.assert(
      fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 64 })), (bytes) => {
        let decoded: unknown
        try {
          decoded = decodeCanonical(bytes, 'test')
        } catch (e) {
          expect((e as ValidationError).code).toBe('invalid.encoding')
          return
        }
        expect(encodeCanonical(decoded)).toEqual(bytes)
      }),
      { numRuns: 5000 },
    )
  })

  it('orders text keys as RFC 8949 does (bytewise over encoded keys), for any keys', () => {
    fc.assert(
      // Keys of 0..60 code points cross the 23/24-byte header boundary.
      fc.property(fc.dictionary(fc.string({ maxLength: 60, unit: 'binary' }), fc.nat()), (obj) => {
        const rfc8949 = Uint8Array.from(encode(obj, rfc8949EncodeOptions))
        expect(encodeCanonical(obj)).toEqual(rfc8949)
      }),
    )
  })

  it('sorts map keys bytewise by encoding (shorter text keys first)', () => {
    expect(encodeCanonical({ bb: 1, a: 2, c: 3 })).toEqual(
      map([
        ['a', uint(2)],
        ['c', uint(3)],
        ['bb', uint(1)],
      ]),
    )
  })

  it('refuses every non-canonical form of a value', () => {
    const cases: [string, Uint8Array][] = [
      ['integer in a wider form', uint(1, 1)],
      ['integer in 8 bytes', uint(500, 8)],
      ['length in a wider form', bstr(Uint8Array.of(1, 2), 1)],
      [
        'map keys out of order',
        map([
          ['b', uint(1)],
          ['a', uint(2)],
        ]),
      ],
      [
        'duplicate map key',
        map([
          ['a', uint(1)],
          ['a', uint(1)],
        ]),
      ],
      ['indefinite-length byte string', Uint8Array.of(0x5f, 0x41, 0x00, 0xff)],
      ['indefinite-length map', Uint8Array.of(0xbf, 0x61, 0x61, 0x01, 0xff)],
      ['float for an integer', Uint8Array.of(0xf9, 0x3c, 0x00)],
      ['float (any float: not in the subset)', Uint8Array.of(0xf9, 0x3e, 0x00)],
      ['half-float subnormal', Uint8Array.of(0xf9, 0x00, 0x03)],
      ['negative integer', Uint8Array.of(0x20)],
      ['false', Uint8Array.of(0xf4)],
      ['true', Uint8Array.of(0xf5)],
      ['null', Uint8Array.of(0xf6)],
      ['arrays nested 9 deep', Uint8Array.of(...new Array(9).fill(0x81), 0x00)],
      ['arrays nested 3,800 deep', Uint8Array.of(...new Array(3800).fill(0x81), 0x00)],
      ['maps nested 9 deep', Uint8Array.of(...new Array(9).fill([0xa1, 0x61, 0x61]).flat(), 0x00)],
      ['truncated UTF-8 sequence', Uint8Array.of(0x62, 0x61, 0xc3)],
      ['UTF-8 overlong encoding', Uint8Array.of(0x62, 0xc0, 0x80)],
      ['UTF-8 surrogate half', Uint8Array.of(0x63, 0xed, 0xa0, 0x80)],
      ['float64 for a small float', Uint8Array.of(0xfb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0)],
      ['undefined', Uint8Array.of(0xf7)],
      ['NaN', Uint8Array.of(0xf9, 0x7e, 0x00)],
      ['a tag', Uint8Array.of(0xc1, 0x01)],
      ['bigint tag for a small number', Uint8Array.of(0xc2, 0x41, 0x01)],
      ['trailing bytes', Uint8Array.of(0x01, 0x01)],
      ['truncated', Uint8Array.of(0x62, 0x61)],
      ['invalid UTF-8 in text', Uint8Array.of(0x62, 0xc3, 0x28)],
      ['non-text map key', Uint8Array.of(0xa1, 0x01, 0x01)],
      ['break byte alone', Uint8Array.of(0xff)],
      ['empty input', new Uint8Array(0)],
    ]
    for (const [name, bytes] of cases)
      expect(
        codeOf(() => decodeCanonical(bytes, 'test')),
        name,
      ).toBe('invalid.encoding')
  })

  it('keeps a leading U+FEFF as text (a default TextDecoder would drop it)', () => {
    expect(decodeCanonical(tstr('\uFEFFhi'), 'test')).toBe('\uFEFFhi')
    expect(decodeCanonical(encodeCanonical({ t: '\uFEFF' }), 'test')).toEqual({ t: '\uFEFF' })
  })

  it('accepts nesting up to 8 deep, and integers past 2^53 as bigints', () => {
    expect(
      codeOf(() => decodeCanonical(Uint8Array.of(...new Array(8).fill(0x81), 0x00), 'test')),
    ).toBe('ok')
    expect(decodeCanonical(uint(2 ** 60, 8), 'test')).toBe(2n ** 60n)
  })

  it('decodes map keys right after they are cached: same-hash keys, invalid UTF-8, many keys', async () => {
    // A fresh module, so its key cache is empty (earlier tests may have filled it).
    vi.resetModules()
    const fresh = (await import('../src/encoding.ts')).decodeCanonical
    // "Aa" and "BB" share the key cache's hash; a cached key is only reused for its own bytes.
    expect(fresh(encodeCanonical({ Aa: 1 }), 'test')).toEqual({ Aa: 1 })
    expect(fresh(encodeCanonical({ BB: 2 }), 'test')).toEqual({ BB: 2 })
    expect(fresh(encodeCanonical({ Aa: 3, BB: 4 }), 'test')).toEqual({ Aa: 3, BB: 4 })
    expect(decodeCanonical(encodeCanonical({ é: 3 }), 'test')).toEqual({ é: 3 })
    // One byte 0xe9 is "é" in Latin-1 but invalid UTF-8: never a cached key's bytes.
    const latin1Key = concatBytes(head(5, 1), head(3, 2), Uint8Array.of(0x61, 0xe9), uint(1))
    expect(codeOf(() => decodeCanonical(latin1Key, 'test'))).toBe('invalid.encoding')
    for (let i = 0; i < 2000; i++) {
      expect(decodeCanonical(encodeCanonical({ [`k${i}`]: i }), 'test')).toEqual({ [`k${i}`]: i })
    }
  })

  it('accepts the canonical forms of the same values', () => {
    for (const bytes of [uint(1), uint(500), bstr(Uint8Array.of(1, 2)), tstr('é'), head(4, 0)]) {
      expect(codeOf(() => decodeCanonical(bytes, 'test'))).toBe('ok')
    }
  })

  describe('the same verdicts and bytes as the cborg-based codec it replaced', () => {
    // Wider than `value`: astral and non-ASCII text and keys, integers up to 2^64 - 1.
    const wide: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.string({ maxLength: 30 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      ),
      node: fc.oneof(
        { depthSize: 'small', maxDepth: 9 },
        tie('leaf'),
        fc.array(tie('node'), { maxLength: 30 }),
        fc.dictionary(fc.string({ unit: 'binary', maxLength: 30 }), tie('node'), { maxKeys: 8 }),
      ),
    })).node

    const verdict = (decode: () => unknown): { ok: true; value: unknown } | { ok: false } => {
      try {
        return { ok: true, value: decode() }
      } catch {
        return { ok: false }
      }
    }

    it('encodes every value to the same bytes', () => {
      fc.assert(
        fc.property(wide, (v) => {
          expect(encodeCanonical(v)).toEqual(referenceEncode(v))
        }),
        { numRuns: 3000 },
      )
      // Past 32 keys the encoder sorts another way.
      const large = fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), fc.nat(), {
        minKeys: 20,
        maxKeys: 80,
      })
      fc.assert(
        fc.property(large, (v) => {
          expect(encodeCanonical(v)).toEqual(referenceEncode(v))
        }),
        { numRuns: 300 },
      )
    })

    it('accepts and refuses the same bytes, with the same values', () => {
      const mutated = fc
        .tuple(
          wide,
          fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.constantFrom(0, 1, 2)), { maxLength: 3 }),
        )
        .map(([v, edits]) => {
          const b = [...referenceEncode(v)]
          for (const [at, byte, how] of edits) {
            const i = at % (b.length + 1)
            if (how === 0 && i < b.length) b[i] = byte
            else if (how === 1) b.splice(i, 0, byte)
            else b.splice(i, 1)
          }
          return Uint8Array.from(b)
        })
      fc.assert(
        fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 64 })), (bytes) => {
          const ours = verdict(() => decodeCanonical(bytes, 'test'))
          const theirs = verdict(() => referenceDecode(bytes))
          expect(ours.ok).toBe(theirs.ok)
          if (ours.ok && theirs.ok) expect(ours.value).toEqual(theirs.value)
        }),
        { numRuns: 20_000 },
      )
    })

    it('keeps "__proto__" as an own key, never as the prototype', () => {
      const bytes = map([['__proto__', map([['x', uint(1)]])]])
      const decoded = decodeCanonical(bytes, 'test') as Record<string, unknown>
      expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype)
      expect(Object.keys(decoded)).toEqual(['__proto__'])
      expect(decoded).toEqual(referenceDecode(bytes))
      expect(encodeCanonical(decoded)).toEqual(bytes)
    })

    it('refuses, before allocating, a length larger than the input', () => {
      expect(
        codeOf(() =>
          decodeCanonical(Uint8Array.of(0x9b, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 'test'),
        ),
      ).toBe('invalid.encoding')
      expect(
        codeOf(() => decodeCanonical(Uint8Array.of(0x9a, 0xff, 0xff, 0xff, 0xff), 'test')),
      ).toBe('invalid.encoding')
    })

    it('throws TypeError for values outside the subset', () => {
      for (const v of [
        -1,
        1.5,
        Number.MAX_SAFE_INTEGER + 1,
        null,
        true,
        2n ** 64n,
        -1n,
        () => 1,
        [undefined],
      ])
        expect(() => encodeCanonical(v), String(v)).toThrow(TypeError)
    })
  })
})

describe('the encoder’s shared buffer', () => {
  it('gives the same bytes when an encoding runs inside another (a getter) and after a throw', () => {
    const inner = { a: 1, b: 'x'.repeat(5000) }
    const expectedInner = referenceEncode(inner)
    const outer = {
      get z() {
        return encodeCanonical(inner)
      },
      y: new Uint8Array(3000).fill(7),
    }
    const bytes = encodeCanonical(outer)
    expect(bytes).toEqual(referenceEncode({ z: expectedInner, y: new Uint8Array(3000).fill(7) }))
    expect(() => encodeCanonical({ bad: () => 1 })).toThrow()
    expect(encodeCanonical(inner)).toEqual(expectedInner)
  })
})
