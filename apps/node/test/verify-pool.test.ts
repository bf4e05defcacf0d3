import { randomBytes } from 'node:crypto'
import { createNodeSigner } from '@freebird/node-verifier'
import {
  buildPostAdd,
  encodeEnvelope,
  networkIdFromGenesis,
  utf8,
  validateMessage,
} from '@freebird/protocol'
import { describe, expect, it } from 'vitest'
import { VerifyPool } from '../src/pipeline/verify-pool.ts'

const network = networkIdFromGenesis(utf8('pool tests'))
const signer = createNodeSigner(randomBytes(32))
const decode = (bytes: Uint8Array) => {
  const r = validateMessage(bytes, { network, verify: () => true })
  if (!r.ok) throw r.error
  return r.message
}

describe('VerifyPool', () => {
  it('gives the right verdict for every message, alone or in large batches', async () => {
    const pool = new VerifyPool({ threads: 2, inlineMax: 4 })
    const good = Array.from({ length: 3000 }, (_, i) =>
      buildPostAdd({ text: `m${i}` }, { network, signer }),
    )
    const bad = good
      .slice(0, 500)
      .map((m) =>
        decode(encodeEnvelope({ data: m.dataBytes, signer: m.signer, signature: randomBytes(64) })),
      )
    expect(await pool.verify(good[0] as (typeof good)[number])).toBe(true)
    const verdicts = await Promise.all([...good, ...bad].map((m) => pool.verify(m)))
    expect(verdicts.slice(0, 3000).every(Boolean)).toBe(true)
    expect(verdicts.slice(3000).some(Boolean)).toBe(false)
    await pool.close()
  })

  it('shares a burst out among idle workers, and queues the next batch behind a busy one', async () => {
    const pool = new VerifyPool({ threads: 2, inlineMax: 4 })
    const burst = Array.from({ length: 1000 }, (_, i) =>
      buildPostAdd({ text: `b${i}` }, { network, signer }),
    )
    expect((await Promise.all(burst.map((m) => pool.verify(m)))).every(Boolean)).toBe(true)
    const [a, b] = pool.sentPerWorker as [number, number]
    expect(a + b).toBe(1000)
    expect(Math.min(a, b)).toBeGreaterThanOrEqual(400)
    await pool.close()

    // One worker: a second burst in a later tick goes out while the first is checked.
    const one = new VerifyPool({ threads: 1, inlineMax: 4 })
    const first = burst.slice(0, 500).map((m) => one.verify(m))
    await new Promise((resolve) => setImmediate(resolve))
    const second = burst.slice(500).map((m) => one.verify(m))
    await new Promise((resolve) => setImmediate(resolve))
    expect(one.sentPerWorker).toEqual([1000])
    expect((await Promise.all([...first, ...second])).every(Boolean)).toBe(true)
    await one.close()
  })
})
