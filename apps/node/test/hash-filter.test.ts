import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { HashFilter } from '../src/store/hash-filter.ts'

describe('HashFilter', () => {
  it('never forgets an id, as it grows past its first capacity', () => {
    const filter = new HashFilter(1000)
    const added = Array.from({ length: 10_000 }, () => randomBytes(32))
    for (const id of added) filter.add(id)
    expect(added.every((id) => filter.mayHave(id))).toBe(true)
    // Four layers (1,000, 2,000, 4,000, 8,000): each a power of two of >= 10 bits per id.
    expect(filter.bytes).toBeGreaterThanOrEqual((15_000 * 10) / 8)
  })

  it('says "no" for nearly every id it was not given', () => {
    const filter = new HashFilter(50_000)
    for (let i = 0; i < 50_000; i++) filter.add(randomBytes(32))
    let maybe = 0
    for (let i = 0; i < 50_000; i++) if (filter.mayHave(randomBytes(32))) maybe++
    // ~1% at 10 bits and 7 probes per id; far more would mean lookups on every message.
    expect(maybe / 50_000).toBeLessThan(0.03)
  })
})
