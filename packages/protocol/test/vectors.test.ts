import { describe, expect, it } from 'vitest'
import {
  buildMessage,
  createSigner,
  fromHex,
  type MessageBodies,
  type MessageType,
  networkIdFromGenesis,
  reduceMessages,
  toHex,
  utf8,
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

describe('docs/PROTOCOL.md §11 worked example', () => {
  it('has the bytes, id and signature the spec prints', () => {
    const m = buildMessage(
      'post.add',
      { text: 'hello freebird' },
      {
        network: networkIdFromGenesis(utf8('example genesis')),
        signer: createSigner(new Uint8Array(32).fill(1)),
        timestamp: 1750000000000,
      },
    )
    expect(toHex(m.dataBytes)).toBe(
      'a664626f6479a164746578746e68656c6c6f206672656562697264647479706568706f73742e61646466617574686f7258208a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c676e6574776f726b500400517109571902503c538909da22856776657273696f6e016974696d657374616d701b000001977420dc00',
    )
    expect(toHex(m.id)).toBe('fe3c5f48f0c3db25ba1edafe254dd7c4dd6e630095b6f5c0c74bc91326d961b2')
    expect(toHex(m.signature)).toBe(
      'b3960828e2a7abbb8fd321323450006b66ded69961c8b1eefc15f4a16ab3c5ff7400b696ca634e26d95edce4e8724e9da2152f27bca4a156df970cb091353501',
    )
    expect(m.bytes).toHaveLength(260)
  })
})
