import { concatBytes, utf8 } from '../src/index.ts'

/**
 * A tiny CBOR writer that does exactly what it is told, for crafting the
 * non-canonical encodings the strict decoder must refuse.
 */
export function head(major: number, n: number, width?: 0 | 1 | 2 | 4 | 8): Uint8Array {
  const w = width ?? (n < 24 ? 0 : n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x100000000 ? 4 : 8)
  const m = major << 5
  if (w === 0) return Uint8Array.of(m | n)
  const info = { 1: 24, 2: 25, 4: 26, 8: 27 }[w]
  const out = new Uint8Array(1 + w)
  out[0] = m | info
  let v = BigInt(n)
  for (let i = w; i >= 1; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}
export const uint = (n: number, width?: 0 | 1 | 2 | 4 | 8) => head(0, n, width)
export const bstr = (b: Uint8Array, width?: 0 | 1 | 2 | 4 | 8) =>
  concatBytes(head(2, b.length, width), b)
export const tstr = (s: string) => {
  const b = utf8(s)
  return concatBytes(head(3, b.length), b)
}
/** A map with entries in exactly the given order (keys are text). */
export const map = (entries: [string, Uint8Array][]) =>
  concatBytes(head(5, entries.length), ...entries.flatMap(([k, v]) => [tstr(k), v]))
