import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  buildFollowAdd,
  buildFollowRemove,
  buildPostAdd,
  buildPostRemove,
  buildProfileSet,
  buildReactionAdd,
  buildReactionRemove,
  buildSignerAdd,
  buildSignerRemove,
  createSigner,
  decodeMessage,
  encodeCanonical,
  encodeEnvelope,
  formatAccount,
  gossipAction,
  MAX_FUTURE_SKEW_MS,
  MAX_MESSAGE_BYTES,
  type Message,
  messageBytesFromJson,
  messageToJson,
  networkIdFromGenesis,
  toHex,
  utf8,
  ValidationError,
  validateMessage,
} from '../src/index.ts'
import { codeOf } from './codes.ts'
import { alice, app, bob, NETWORK, T0 } from './fixtures.ts'

const signer = createSigner(alice.secretKey)
const opts = { network: NETWORK, signer, timestamp: T0 }
const post = buildPostAdd({ text: 'hello' }, opts)
const tryEncode = (value: unknown): Uint8Array => {
  try {
    return encodeCanonical(value)
  } catch {
    return Uint8Array.of(0xff)
  }
}

describe('builders', () => {
  const built: Message[] = [
    buildProfileSet({ field: 'name', value: 'Alice' }, opts),
    post,
    buildPostAdd(
      {
        text: 'reply',
        parent: post.id,
        mentions: [bob.publicKey],
        embeds: [{ url: 'https://x.y' }],
      },
      opts,
    ),
    buildPostRemove({ target: post.id }, opts),
    buildReactionAdd({ kind: 'like', target: post.id }, opts),
    buildReactionRemove({ kind: 'like', target: post.id }, opts),
    buildFollowAdd({ target: bob.publicKey }, opts),
    buildFollowRemove({ target: bob.publicKey }, opts),
    buildSignerAdd({ key: app.publicKey, expiresAt: T0 + 1000 }, opts),
    buildSignerRemove({ key: app.publicKey }, opts),
  ]

  it('build a valid message of every type that validates to the same message', () => {
    for (const m of built) {
      const r = validateMessage(m.bytes, { network: NETWORK, now: T0 })
      if (!r.ok) throw r.error
      expect(r.message).toEqual(m)
    }
    expect(new Set(built.map((m) => m.data.type)).size).toBe(9)
  })

  it('default the signer scope to social, sorted', () => {
    const m = buildSignerAdd(
      { key: app.publicKey, expiresAt: T0 + 1, scope: ['transfer', 'social'] },
      opts,
    )
    expect(m.data.body.scope).toEqual(['social', 'transfer'])
    expect(buildSignerAdd({ key: app.publicKey, expiresAt: T0 + 1 }, opts).data.body.scope).toEqual(
      ['social'],
    )
  })

  it('omit empty mention and embed lists instead of failing', () => {
    const m = buildPostAdd({ text: 'x', mentions: [], embeds: [] }, opts)
    expect(m.data.body).toEqual({ text: 'x' })
  })

  it('refuse to build invalid messages, with the validator’s codes', () => {
    expect(codeOf(() => buildPostAdd({ text: 'x'.repeat(1025) }, opts))).toBe('invalid.text_length')
    expect(codeOf(() => buildPostAdd({ text: '' }, opts))).toBe('invalid.empty_post')
    expect(codeOf(() => buildSignerAdd({ key: alice.publicKey, expiresAt: T0 + 1 }, opts))).toBe(
      'invalid.signer_key',
    )
    expect(
      codeOf(() =>
        buildSignerAdd(
          { key: bob.publicKey, expiresAt: T0 + 1 },
          { ...opts, signer: createSigner(app.secretKey), author: alice.publicKey },
        ),
      ),
    ).toBe('unauthorized.signer')
    expect(codeOf(() => buildPostAdd({ text: 'x' }, { ...opts, timestamp: 0 }))).toBe(
      'invalid.timestamp',
    )
  })

  it('return what the bytes say, not the caller’s objects', () => {
    const parent = Uint8Array.from(post.id)
    const m = buildPostAdd({ text: 'lone \ud800 surrogate', parent }, opts)
    // TextEncoder writes U+FFFD for a lone surrogate: the message says what receivers will read.
    expect(m.data.body.text).toBe('lone \ufffd surrogate')
    parent.fill(0)
    expect(m.data.body.parent).toEqual(post.id)
    const r = validateMessage(m.bytes, { network: NETWORK, now: T0 })
    if (!r.ok) throw r.error
    expect(r.message.data).toEqual(m.data)
  })

  it('sign for another author with a delegated key', () => {
    const m = buildPostAdd(
      { text: 'via app' },
      { ...opts, signer: createSigner(app.secretKey), author: alice.publicKey },
    )
    expect(m.signer).toEqual(app.publicKey)
    expect(m.data.author).toEqual(alice.publicKey)
    expect(validateMessage(m.bytes, { network: NETWORK, now: T0 }).ok).toBe(true)
  })
})

describe('validateMessage', () => {
  it('accepts up to 10 minutes in the future and ignores beyond', () => {
    const at = (now: number) => validateMessage(post.bytes, { network: NETWORK, now })
    expect(at(T0 - MAX_FUTURE_SKEW_MS).ok).toBe(true)
    const r = at(T0 - MAX_FUTURE_SKEW_MS - 1)
    expect(r.ok ? 'ok' : r.error.code).toBe('invalid.timestamp_future')
    expect(r.ok ? null : r.error.action).toBe('ignore')
  })

  it('rejects (not ignores) a future message whose signature is bad', () => {
    const bad = post.bytes.slice()
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1
    const r = validateMessage(bad, { network: NETWORK, now: T0 - 3_600_000 })
    expect(r.ok ? 'ok' : r.error.code).toBe('invalid.signature')
    expect(gossipAction('invalid.signature')).toBe('reject')
  })

  it('refuses a message of another network even with a valid signature', () => {
    const other = networkIdFromGenesis(utf8('other'))
    const r = validateMessage(post.bytes, { network: other, now: T0 })
    expect(r.ok ? 'ok' : r.error.code).toBe('invalid.network')
  })

  it('checks size before parsing anything', () => {
    const r = validateMessage(new Uint8Array(MAX_MESSAGE_BYTES + 1), { network: NETWORK })
    expect(r.ok ? 'ok' : r.error.code).toBe('too_large')
  })

  it('uses the verifier it is given', () => {
    const calls: number[] = []
    const r = validateMessage(post.bytes, {
      network: NETWORK,
      now: T0,
      verify: () => {
        calls.push(1)
        return false
      },
    })
    expect(r.ok ? 'ok' : r.error.code).toBe('invalid.signature')
    expect(calls).toHaveLength(1)
  })

  it('keeps its own copy of the input bytes', () => {
    const buffer = Uint8Array.from(post.bytes)
    const r = validateMessage(buffer, { network: NETWORK, now: T0 })
    if (!r.ok) throw r.error
    buffer.fill(0)
    expect(r.message.bytes).toEqual(post.bytes)
    expect(r.message.signer).toEqual(post.signer)
    expect(r.message.dataBytes).toEqual(post.dataBytes)
  })

  it('decodeMessage checks everything but the signature', () => {
    const forged = encodeEnvelope({
      data: post.dataBytes,
      signer: post.signer,
      signature: new Uint8Array(64),
    })
    expect(decodeMessage(forged, { network: NETWORK }).id).toEqual(post.id)
    expect(validateMessage(forged, { network: NETWORK, now: T0 }).ok).toBe(false)
  })

  it('never throws on arbitrary bytes or arbitrary CBOR values', () => {
    const anything = fc.anything({
      withTypedArray: true,
      withBigInt: true,
      withNullPrototype: true,
    })
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), anything.map(tryEncode)), (bytes) => {
        const r = validateMessage(bytes, { network: NETWORK, now: T0 })
        expect(r.ok).toBe(false)
        if (!r.ok) expect(r.error).toBeInstanceOf(ValidationError)
      }),
      { numRuns: 2000 },
    )
    // Valid envelopes around arbitrary data values: every failure is still typed.
    fc.assert(
      fc.property(anything, (value) => {
        const data = tryEncode(value)
        const r = validateMessage(
          encodeEnvelope({ data, signer: post.signer, signature: post.signature }),
          {
            network: NETWORK,
            now: T0,
          },
        )
        if (!r.ok) expect(r.error).toBeInstanceOf(ValidationError)
      }),
      { numRuns: 2000 },
    )
  })

  it('never throws, whatever the bytes', () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = post.bytes.slice()
      bytes[i % bytes.length] = (i * 7919) & 0xff
      const r = validateMessage(bytes.subarray(0, (i * 31) % (bytes.length + 1)), {
        network: NETWORK,
        now: T0,
      })
      if (!r.ok) expect(r.error).toBeInstanceOf(ValidationError)
    }
  })
})

describe('messageToJson', () => {
  it('shows accounts as text, ids as hex, and carries the exact bytes', () => {
    const follow = buildFollowAdd({ target: bob.publicKey }, opts)
    const json = messageToJson(follow)
    expect(json.body).toEqual({ target: formatAccount(bob.publicKey) })
    expect(json.author).toBe(formatAccount(alice.publicKey))
    expect(messageBytesFromJson(json)).toEqual(follow.bytes)
    const reply = messageToJson(
      buildPostAdd({ text: 'r', parent: post.id, mentions: [bob.publicKey] }, opts),
    )
    expect(reply.body).toEqual({
      text: 'r',
      parent: toHex(post.id),
      mentions: [formatAccount(bob.publicKey)],
    })
  })
})
