import { randomBytes } from 'node:crypto'
import { decodeMessage, fromHex, nobleSha256, toHex } from '@freebird/protocol'
import messages from '@freebird/protocol/vectors/messages.json' with { type: 'json' }
import { expect, it } from 'vitest'
import { nodeSha256 } from '../src/index.ts'

it('gives every message vector its id, as the reference hash does', () => {
  const network = fromHex(messages.network)
  for (const v of messages.vectors) {
    const bytes = fromHex(v.output.envelope)
    expect(toHex(decodeMessage(bytes, { network, sha256: nodeSha256 }).id), v.name).toBe(
      v.output.id,
    )
  }
})

it('hashes the parts in order, like noble, whatever their sizes', () => {
  for (let i = 0; i < 200; i++) {
    const parts = Array.from(
      { length: i % 4 },
      (_, j) => new Uint8Array(randomBytes((i * 7 + j * 61) % 300)),
    )
    expect(toHex(nodeSha256(...parts))).toBe(toHex(nobleSha256(...parts)))
  }
})
