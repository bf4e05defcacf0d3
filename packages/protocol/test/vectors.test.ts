import { describe, expect, it } from 'vitest'
import {
  buildMessage,
  createSigner,
  fromHex,
  type MessageBodies,
  type MessageType,
  reduceMessages,
  toHex,
  VALIDATION_CODES,
  validateMessage,
} from '../src/index.ts'
import invalid from '../vectors/invalid.json' with { type: 'json' }
import messages from '../vectors/messages.json' with { type: 'json' }
import state from '../vectors/state.json' with { type: 'json' }
import { fromJson, type Json, toJson } from './json.ts'

const network = fromHex(messages.network)

describe('message vectors', () => {
  for (const v of messages.vectors) {
    const input = fromJson(v.input as Json) as {
      type: MessageType
      body: MessageBodies[MessageType]
      secretKey: Uint8Array
      author?: Uint8Array
      timestamp: number
    }

    it(`${v.name}: input builds to the exact bytes`, () => {
      const m = buildMessage(input.type, input.body, {
        network,
        signer: createSigner(input.secretKey),
        timestamp: input.timestamp,
        ...(input.author ? { author: input.author } : {}),
      })
      expect(toHex(m.dataBytes)).toBe(v.output.data)
      expect(toHex(m.id)).toBe(v.output.id)
      expect(toHex(m.signature)).toBe(v.output.signature)
      expect(toHex(m.bytes)).toBe(v.output.envelope)
    })

    it(`${v.name}: bytes validate and decode to the input`, () => {
      const r = validateMessage(fromHex(v.output.envelope), { network, now: messages.now })
      if (!r.ok) throw r.error
      expect(r.message.data.type).toBe(input.type)
      expect(r.message.data.timestamp).toBe(input.timestamp)
      expect(toJson(r.message.data.body)).toEqual(toJson(input.body))
      expect(toHex(r.message.id)).toBe(v.output.id)
      expect(toHex(r.message.signer)).toBe(v.output.signer)
      expect(r.message.bytes).toEqual(fromHex(v.output.envelope))
    })
  }

  it('cover every message type', () => {
    const types = new Set(messages.vectors.map((v) => (v.input as { type: string }).type))
    expect([...types].sort()).toEqual(Object.keys(bodiesByType).sort())
  })
})

const bodiesByType: Record<MessageType, true> = {
  'profile.set': true,
  'post.add': true,
  'post.remove': true,
  'reaction.add': true,
  'reaction.remove': true,
  'follow.add': true,
  'follow.remove': true,
  'signer.add': true,
  'signer.remove': true,
}

describe('invalid vectors', () => {
  for (const v of invalid.vectors) {
    it(`${v.name}: ${v.code}`, () => {
      const r = validateMessage(fromHex(v.envelope), { network, now: invalid.now })
      expect(r.ok ? 'ok' : r.error.code).toBe(v.code)
    })
  }

  it('cover every validation code', () => {
    const codes = new Set(invalid.vectors.map((v) => v.code))
    expect([...codes].sort()).toEqual(Object.keys(VALIDATION_CODES).sort())
  })
})

describe('CRDT outcome vectors', () => {
  for (const s of state.scenarios) {
    it(s.name, () => {
      const decoded = s.messages.map((hex) => {
        const r = validateMessage(fromHex(hex), { network, now: state.now })
        if (!r.ok) throw r.error
        return r.message
      })
      expect(reduceMessages(decoded)).toEqual(s.view)
      expect(reduceMessages([...decoded].reverse())).toEqual(s.view)
      expect(reduceMessages([...decoded, ...decoded])).toEqual(s.view)
    })
  }
})
