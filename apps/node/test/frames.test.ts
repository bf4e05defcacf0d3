import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FrameDecoder, StreamError } from '../src/p2p/frames.ts'

const varint = (n: number) => {
  const out: number[] = []
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

describe('FrameDecoder', () => {
  it('gives back exactly the frames sent, however the bytes are chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.nat(400), { maxLength: 30 }),
        (frames, cuts) => {
          const wire = Uint8Array.from(frames.flatMap((f) => [...varint(f.length), ...f]))
          const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b)
          const decoder = new FrameDecoder(1024)
          const out: Uint8Array[] = []
          let from = 0
          for (const to of [...points, wire.length]) {
            out.push(...decoder.push(Buffer.from(wire.subarray(from, to))))
            from = to
          }
          expect(out.map((f) => [...f])).toEqual(frames.map((f) => [...f]))
        },
      ),
      { numRuns: 500 },
    )
  })

  it('refuses a frame over the limit, and a length prefix that never ends', () => {
    const codeOf = (bytes: Uint8Array) => {
      try {
        new FrameDecoder(10).push(bytes)
      } catch (error) {
        return error instanceof StreamError ? error.code : 'not a StreamError'
      }
      return undefined
    }
    expect(codeOf(Uint8Array.of(11, ...new Array(11).fill(0)))).toBe('stream.frame_too_large')
    expect(codeOf(new Uint8Array(9).fill(0xff))).toBe('stream.frame_too_large')
    expect(codeOf(Uint8Array.of(10, ...new Array(10).fill(0)))).toBeUndefined()
  })
})
