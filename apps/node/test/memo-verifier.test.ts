import { describe, expect, it } from 'vitest'
import { MemoVerifier } from '../src/ledger/memo-verifier.ts'

const bytes = (n: number, len = 32) => new Uint8Array(len).fill(n)

/** An underlying verifier that counts its calls and accepts what `valid` says. */
function counting(valid = true) {
  const calls = { n: 0 }
  const verify = () => {
    calls.n++
    return valid
  }
  return { calls, verify }
}

describe('the ledger’s memo of signatures', () => {
  it('answers a remembered signature once, for exactly its key and message', () => {
    const u = counting(false)
    const memo = new MemoVerifier(u.verify)
    memo.remember(bytes(1), bytes(2), bytes(3, 64))
    // Same signature, another key or message: not a hit (the underlying check says no).
    expect(memo.verify(bytes(9), bytes(2), bytes(3, 64))).toBe(false)
    expect(memo.verify(bytes(1), bytes(9), bytes(3, 64))).toBe(false)
    expect(u.calls.n).toBe(2)
    // The exact triple: a hit, without the underlying check; then used up.
    expect(memo.verify(bytes(1), bytes(2), bytes(3, 64))).toBe(true)
    expect(u.calls.n).toBe(2)
    expect(memo.verify(bytes(1), bytes(2), bytes(3, 64))).toBe(false)
    expect(u.calls.n).toBe(3)
  })

  it('does not keep what it only checked, and forgets the oldest past its bound', () => {
    const u = counting(true)
    const memo = new MemoVerifier(u.verify, 2)
    expect(memo.verify(bytes(1), bytes(2), bytes(3, 64))).toBe(true)
    expect(memo.verify(bytes(1), bytes(2), bytes(3, 64))).toBe(true)
    expect(u.calls.n).toBe(2)
    for (const s of [4, 5, 6]) memo.remember(bytes(1), bytes(2), bytes(s, 64))
    expect(memo.verify(bytes(1), bytes(2), bytes(4, 64))).toBe(true)
    expect(u.calls.n).toBe(3)
    expect(memo.verify(bytes(1), bytes(2), bytes(6, 64))).toBe(true)
    expect(u.calls.n).toBe(3)
  })

  it('keeps its own copies: a caller reusing its buffers changes nothing', () => {
    const u = counting(false)
    const memo = new MemoVerifier(u.verify)
    const key = bytes(1)
    const message = bytes(2)
    memo.remember(key, message, bytes(3, 64))
    key.fill(7)
    message.fill(7)
    expect(memo.verify(bytes(1), bytes(2), bytes(3, 64))).toBe(true)
  })
})
