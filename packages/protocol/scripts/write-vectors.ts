/**
 * Writes packages/protocol/vectors/*.json from fixed keys and timestamps.
 * Output is deterministic (Ed25519 signatures are); re-run it only when the
 * protocol changes on purpose, and review the diff: vectors are the spec.
 *   node scripts/write-vectors.ts
 */
import { writeFileSync } from 'node:fs'
import { sha256 } from '@noble/hashes/sha2.js'
import { bech32m } from '@scure/base'
import {
  buildMessage,
  computeMessageId,
  concatBytes,
  createSigner,
  encodeCanonical,
  encodeEnvelope,
  formatAccount,
  keyPairFromSecretKey,
  type Message,
  type MessageBodies,
  type MessageType,
  networkIdFromGenesis,
  reduceMessages,
  toHex,
  utf8,
  VALIDATION_CODES,
  validateMessage,
} from '../src/index.ts'
import { bstr, map, tstr, uint } from '../test/cbor-craft.ts'
import { toJson } from '../test/json.ts'
import { converse, ours } from '../test/sync-driver.ts'
import { SYNC_SCENARIOS, SYNC_VECTOR_T0, syncItems } from '../test/sync-vectors.ts'

const out = new URL('../vectors/', import.meta.url)
const write = (name: string, value: unknown) =>
  writeFileSync(new URL(name, out), `${JSON.stringify(value, null, 2)}\n`)

export const NETWORK = networkIdFromGenesis(utf8('freebird test vectors'))
const OTHER_NETWORK = networkIdFromGenesis(utf8('another network'))
const T0 = Date.UTC(2026, 0, 1)
const NOW = T0 + 3_600_000
const seed = (name: string) => sha256(utf8(`freebird vector key ${name}`))
const alice = keyPairFromSecretKey(seed('alice'))
const bob = keyPairFromSecretKey(seed('bob'))
const app = keyPairFromSecretKey(seed('alice app'))

// ---------------------------------------------------------------- valid
interface Input {
  name: string
  type: MessageType
  body: unknown
  secretKey: Uint8Array
  author?: Uint8Array
  timestamp: number
}
const built: Record<string, Message> = {}
const build = (input: Input): Message => {
  const m = buildMessage(input.type, input.body as MessageBodies[MessageType], {
    network: NETWORK,
    signer: createSigner(input.secretKey),
    timestamp: input.timestamp,
    ...(input.author ? { author: input.author } : {}),
  })
  built[input.name] = m
  return m
}

const inputs: Input[] = []
const add = (input: Input) => {
  inputs.push(input)
  return build(input)
}
const helloPost = add({
  name: 'post.add text',
  type: 'post.add',
  body: { text: 'hello, freebird' },
  secretKey: alice.secretKey,
  timestamp: T0,
})
add({
  name: 'post.add 1024-byte text (limit)',
  type: 'post.add',
  body: { text: '\u00e9'.repeat(512) },
  secretKey: alice.secretKey,
  timestamp: T0 + 1,
})
add({
  name: 'post.add unicode text',
  type: 'post.add',
  body: { text: 'caf\u00e9 \u{1F426} \u65e5\u672c' },
  secretKey: bob.secretKey,
  timestamp: T0 + 2,
})
add({
  name: 'post.add text starting with U+FEFF',
  type: 'post.add',
  body: { text: '\uFEFFkept as text' },
  secretKey: bob.secretKey,
  timestamp: T0 + 2,
})
add({
  name: 'post.add reply with mentions and embeds',
  type: 'post.add',
  body: {
    text: 'replying',
    parent: helloPost.id,
    mentions: [alice.publicKey],
    embeds: [{ url: 'https://example.org/a' }, { post: helloPost.id }],
  },
  secretKey: bob.secretKey,
  timestamp: T0 + 3,
})
add({
  name: 'post.add embeds only',
  type: 'post.add',
  body: { text: '', embeds: [{ url: 'https://example.org/pic.png' }] },
  secretKey: bob.secretKey,
  timestamp: T0 + 4,
})
add({
  name: 'post.remove',
  type: 'post.remove',
  body: { target: helloPost.id },
  secretKey: alice.secretKey,
  timestamp: T0 + 10,
})
add({
  name: 'profile.set name',
  type: 'profile.set',
  body: { field: 'name', value: 'Alice' },
  secretKey: alice.secretKey,
  timestamp: T0 + 5,
})
add({
  name: 'profile.set bio empty (clears)',
  type: 'profile.set',
  body: { field: 'bio', value: '' },
  secretKey: alice.secretKey,
  timestamp: T0 + 5,
})
add({
  name: 'reaction.add like',
  type: 'reaction.add',
  body: { kind: 'like', target: helloPost.id },
  secretKey: bob.secretKey,
  timestamp: T0 + 6,
})
add({
  name: 'reaction.remove like',
  type: 'reaction.remove',
  body: { kind: 'like', target: helloPost.id },
  secretKey: bob.secretKey,
  timestamp: T0 + 7,
})
add({
  name: 'reaction.add repost',
  type: 'reaction.add',
  body: { kind: 'repost', target: helloPost.id },
  secretKey: bob.secretKey,
  timestamp: T0 + 6,
})
add({
  name: 'follow.add',
  type: 'follow.add',
  body: { target: alice.publicKey },
  secretKey: bob.secretKey,
  timestamp: T0 + 8,
})
add({
  name: 'follow.remove',
  type: 'follow.remove',
  body: { target: alice.publicKey },
  secretKey: bob.secretKey,
  timestamp: T0 + 9,
})
add({
  name: 'signer.add social',
  type: 'signer.add',
  body: { key: app.publicKey, expiresAt: T0 + 86_400_000, scope: ['social'] },
  secretKey: alice.secretKey,
  timestamp: T0 + 1,
})
add({
  name: 'signer.add social+transfer',
  type: 'signer.add',
  body: { key: bob.publicKey, expiresAt: T0 + 86_400_000, scope: ['social', 'transfer'] },
  secretKey: alice.secretKey,
  timestamp: T0 + 1,
})
add({
  name: 'signer.remove',
  type: 'signer.remove',
  body: { key: app.publicKey },
  secretKey: alice.secretKey,
  timestamp: T0 + 20,
})
add({
  name: 'post.add by delegated key',
  type: 'post.add',
  body: { text: 'sent from an app' },
  secretKey: app.secretKey,
  author: alice.publicKey,
  timestamp: T0 + 11,
})

write('messages.json', {
  description:
    'Valid messages of every type. input -> buildMessage must give exactly output; output.envelope -> validateMessage(network, now) must accept and decode to input.',
  network: toHex(NETWORK),
  now: NOW,
  vectors: inputs.map((input) => {
    const m = built[input.name] as Message
    return {
      name: input.name,
      input: toJson({ ...input, name: undefined }),
      output: {
        author: formatAccount(m.data.author),
        data: toHex(m.dataBytes),
        id: toHex(m.id),
        signer: toHex(m.signer),
        signature: toHex(m.signature),
        envelope: toHex(m.bytes),
      },
    }
  }),
})

// ---------------------------------------------------------------- invalid
/** Signs any data value (even one the builders refuse) and wraps it in a canonical envelope. */
const signData = (dataBytes: Uint8Array, secretKey = alice.secretKey) => {
  const signer = createSigner(secretKey)
  return encodeEnvelope({
    data: dataBytes,
    signer: signer.publicKey,
    signature: signer.sign(computeMessageId(signer.publicKey, dataBytes)),
  })
}
const data = (over: Record<string, unknown> = {}, body: unknown = { text: 'hi' }) => ({
  version: 1,
  network: NETWORK,
  type: 'post.add',
  author: alice.publicKey,
  timestamp: T0,
  body,
  ...over,
})
const signed = (over: Record<string, unknown> = {}, body?: unknown, secretKey?: Uint8Array) =>
  signData(encodeCanonical(data(over, body)), secretKey)
const postBody = (body: Record<string, unknown>) => signed({}, { text: 'hi', ...body })
const typed = (type: string, body: unknown) => signed({ type }, body)

/** MessageData written by hand, field by field, in the given key order (canonical by default). */
const dataMap = (
  over: Record<string, Uint8Array>,
  order = ['body', 'type', 'author', 'network', 'version', 'timestamp'],
) => {
  const fields: Record<string, Uint8Array> = {
    body: map([['text', tstr('hi')]]),
    type: tstr('post.add'),
    author: bstr(alice.publicKey),
    network: bstr(NETWORK),
    version: uint(1),
    timestamp: uint(T0),
    ...over,
  }
  return map(order.map((k) => [k, fields[k] as Uint8Array]))
}
const float64 = (x: number) => {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setFloat64(0, x)
  return b
}
const good = helloPost.bytes
const goodEnvelope = (d: Uint8Array, s: Uint8Array, sig: Uint8Array) =>
  [
    ['data', bstr(d)],
    ['signer', bstr(s)],
    ['signature', bstr(sig)],
  ] as [string, Uint8Array][]
const parts = goodEnvelope(helloPost.dataBytes, helloPost.signer, helloPost.signature)
const flipped = good.slice()
flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1
const many = (n: number) => Array.from({ length: n }, (_, i) => sha256(utf8(`account ${i}`)))
const SMALL_ORDER_KEY = Uint8Array.from([1, ...new Array(31).fill(0)]) // the identity point

const invalid: [string, Uint8Array, string][] = [
  ['too large (4 KiB + 1)', signed({}, { text: 'x'.repeat(4000) }), 'too_large'],
  ['not CBOR', Uint8Array.of(0xff, 0x00), 'invalid.encoding'],
  ['empty input', new Uint8Array(0), 'invalid.encoding'],
  ['trailing byte after envelope', concatBytes(good, Uint8Array.of(0)), 'invalid.encoding'],
  [
    'envelope keys out of order',
    map([parts[1], parts[0], parts[2]] as [string, Uint8Array][]),
    'invalid.encoding',
  ],
  [
    'envelope length not minimal',
    map([['data', bstr(helloPost.dataBytes, 2)], parts[1], parts[2]] as [string, Uint8Array][]),
    'invalid.encoding',
  ],
  [
    'envelope duplicate key',
    concatBytes(
      Uint8Array.of(0xa4),
      ...parts.flatMap(([k, v]) => [tstr(k), v]),
      tstr('data'),
      bstr(helloPost.dataBytes),
    ),
    'invalid.encoding',
  ],
  [
    'data version not minimal (signed)',
    signData(dataMap({ version: uint(1, 1) })),
    'invalid.encoding',
  ],
  [
    'data text not valid UTF-8 (signed)',
    signData(dataMap({ body: map([['text', Uint8Array.of(0x62, 0xc3, 0x28)]]) })),
    'invalid.encoding',
  ],
  [
    'data timestamp as a float (signed)',
    signData(dataMap({ timestamp: concatBytes(Uint8Array.of(0xfb), float64(T0)) })),
    'invalid.encoding',
  ],
  [
    'data keys out of order (signed)',
    signData(dataMap({}, ['type', 'body', 'author', 'network', 'version', 'timestamp'])),
    'invalid.encoding',
  ],
  [
    'envelope missing signature',
    encodeCanonical({ data: helloPost.dataBytes, signer: helloPost.signer }),
    'invalid.envelope',
  ],
  [
    'envelope extra field',
    encodeCanonical({
      data: helloPost.dataBytes,
      signer: helloPost.signer,
      signature: helloPost.signature,
      x: 1,
    }),
    'invalid.envelope',
  ],
  [
    'envelope signer 31 bytes',
    encodeCanonical({
      data: helloPost.dataBytes,
      signer: helloPost.signer.slice(1),
      signature: helloPost.signature,
    }),
    'invalid.envelope',
  ],
  [
    'envelope data not bytes',
    encodeCanonical({ data: 'hello', signer: helloPost.signer, signature: helloPost.signature }),
    'invalid.envelope',
  ],
  [
    'envelope is an array',
    encodeCanonical([helloPost.dataBytes, helloPost.signer, helloPost.signature]),
    'invalid.envelope',
  ],
  ['data missing body', signData(encodeCanonical({ ...data(), body: undefined })), 'invalid.data'],
  ['data extra field', signed({ extra: 1 }), 'invalid.data'],
  ['data author 31 bytes', signed({ author: alice.publicKey.slice(1) }), 'invalid.data'],
  ['data type not text', signed({ type: 7 }), 'invalid.data'],
  ['data is not a map', signData(encodeCanonical([1, 2, 3])), 'invalid.data'],
  ['version 2', signed({ version: 2 }), 'invalid.version'],
  ['other network', signed({ network: OTHER_NETWORK }), 'invalid.network'],
  ['unknown type', signed({ type: 'post.edit' }), 'invalid.type'],
  ['timestamp before 2025', signed({ timestamp: Date.UTC(2024, 11, 31) }), 'invalid.timestamp'],
  [
    'timestamp negative (no negative integers in the subset)',
    signed({ timestamp: -1 }),
    'invalid.encoding',
  ],
  [
    'boolean in a body (no simple values in the subset)',
    postBody({ parent: true }),
    'invalid.encoding',
  ],
  ['nested 9 deep (limit 8)', postBody({ x: [[[[[[[[0]]]]]]]] }), 'invalid.encoding'],
  ['timestamp beyond 2^53', signed({ timestamp: 2n ** 60n }), 'invalid.timestamp'],
  [
    'timestamp 11 minutes ahead',
    signed({ timestamp: NOW + 11 * 60_000 }),
    'invalid.timestamp_future',
  ],
  ['post.add unknown field', postBody({ title: 'x' }), 'invalid.body'],
  ['post.add text not a string', signed({}, { text: 1 }), 'invalid.body'],
  ['post.add parent 31 bytes', postBody({ parent: helloPost.id.slice(1) }), 'invalid.body'],
  ['post.remove target missing', typed('post.remove', {}), 'invalid.body'],
  [
    'follow.add target 33 bytes',
    typed('follow.add', { target: new Uint8Array(33) }),
    'invalid.body',
  ],
  ['body not a map', signed({}, 'hello'), 'invalid.body'],
  [
    'post.add 1025 UTF-8 bytes (257 emoji)',
    signed({}, { text: `${'\u{1F426}'.repeat(256)}x` }),
    'invalid.text_length',
  ],
  ['post.add empty', signed({}, { text: '' }), 'invalid.empty_post'],
  ['post.add 11 mentions', postBody({ mentions: many(11) }), 'invalid.mentions'],
  [
    'post.add repeated mention',
    postBody({ mentions: [bob.publicKey, bob.publicKey] }),
    'invalid.mentions',
  ],
  ['post.add empty mentions (omit instead)', postBody({ mentions: [] }), 'invalid.mentions'],
  [
    'post.add 5 embeds',
    postBody({ embeds: many(5).map((id) => ({ post: id })) }),
    'invalid.embeds',
  ],
  [
    'post.add embed with url and post',
    postBody({ embeds: [{ url: 'https://a.b', post: helloPost.id }] }),
    'invalid.embeds',
  ],
  [
    'post.add embed url 257 bytes',
    postBody({ embeds: [{ url: `https://${'a'.repeat(249)}` }] }),
    'invalid.embeds',
  ],
  ['post.add empty embed url', postBody({ embeds: [{ url: '' }] }), 'invalid.embeds'],
  [
    'profile.set unknown field',
    typed('profile.set', { field: 'email', value: 'a@b.c' }),
    'invalid.profile_field',
  ],
  [
    'profile.set name 65 bytes',
    typed('profile.set', { field: 'name', value: 'n'.repeat(65) }),
    'invalid.profile_value',
  ],
  [
    'reaction.add unknown kind',
    typed('reaction.add', { kind: 'dislike', target: helloPost.id }),
    'invalid.reaction_kind',
  ],
  [
    'signer.add own root key',
    typed('signer.add', { key: alice.publicKey, expiresAt: T0 + 1000, scope: ['social'] }),
    'invalid.signer_key',
  ],
  [
    'signer.add small-order key',
    typed('signer.add', { key: SMALL_ORDER_KEY, expiresAt: T0 + 1000, scope: ['social'] }),
    'invalid.signer_key',
  ],
  [
    'signer.add unknown scope',
    typed('signer.add', { key: app.publicKey, expiresAt: T0 + 1000, scope: ['admin'] }),
    'invalid.signer_scope',
  ],
  [
    'signer.add unsorted scope',
    typed('signer.add', {
      key: app.publicKey,
      expiresAt: T0 + 1000,
      scope: ['transfer', 'social'],
    }),
    'invalid.signer_scope',
  ],
  [
    'signer.add empty scope',
    typed('signer.add', { key: app.publicKey, expiresAt: T0 + 1000, scope: [] }),
    'invalid.signer_scope',
  ],
  [
    'signer.add expires at its timestamp',
    typed('signer.add', { key: app.publicKey, expiresAt: T0, scope: ['social'] }),
    'invalid.signer_expiry',
  ],
  ['signature bit flipped', flipped, 'invalid.signature'],
  [
    'signed by another key than signer',
    encodeEnvelope({
      data: helloPost.dataBytes,
      signer: alice.publicKey,
      signature: createSigner(bob.secretKey).sign(helloPost.id),
    }),
    'invalid.signature',
  ],
  [
    'signature over data instead of id',
    encodeEnvelope({
      data: helloPost.dataBytes,
      signer: alice.publicKey,
      signature: createSigner(alice.secretKey).sign(helloPost.dataBytes),
    }),
    'invalid.signature',
  ],
  [
    'signer.add signed by a delegated key',
    signed(
      { type: 'signer.add' },
      { key: bob.publicKey, expiresAt: T0 + 1000, scope: ['social'] },
      app.secretKey,
    ),
    'unauthorized.signer',
  ],
]
const covered = new Set(invalid.map(([, , code]) => code))
const missing = Object.keys(VALIDATION_CODES).filter((c) => !covered.has(c))
if (missing.length) throw new Error(`no invalid vector for: ${missing.join(', ')}`)
for (const [name, bytes, code] of invalid) {
  const r = validateMessage(bytes, { network: NETWORK, now: NOW })
  const got = r.ok ? 'ok' : r.error.code
  if (got !== code) throw new Error(`vector "${name}": expected ${code}, validator says ${got}`)
}
write('invalid.json', {
  description: 'Invalid messages: validateMessage(envelope, network, now) must fail with code.',
  network: toHex(NETWORK),
  now: NOW,
  vectors: invalid.map(([name, bytes, code]) => ({ name, envelope: toHex(bytes), code })),
})

// ---------------------------------------------------------------- accounts
const accountKeys = [
  alice.publicKey,
  bob.publicKey,
  new Uint8Array(32),
  new Uint8Array(32).fill(0xff),
]
const aliceText = formatAccount(alice.publicKey)
/** A valid bech32m string of the right length whose last 4 (padding) bits are not zero. */
const paddedAccount = (key: Uint8Array) => {
  const words = bech32m.toWords(key)
  words[words.length - 1] = (words.at(-1) as number) | 1
  return bech32m.encode('fb', words)
}
const swap = (s: string, i: number) => s.slice(0, i) + (s[i] === 'q' ? 'p' : 'q') + s.slice(i + 1)
write('accounts.json', {
  description:
    'Account text form (bech32m, prefix "fb"). valid: both directions. invalid: parseAccount must fail with code.',
  valid: accountKeys.map((k) => ({ publicKey: toHex(k), account: formatAccount(k) })),
  invalid: [
    { text: '', code: 'invalid.account_format' },
    { text: 'alice', code: 'invalid.account_format' },
    { text: `nb${aliceText.slice(2)}`, code: 'invalid.account_prefix' },
    { text: `${aliceText.slice(0, 10)}b${aliceText.slice(11)}`, code: 'invalid.account_character' },
    {
      text: `${aliceText.slice(0, 10).toUpperCase()}${aliceText.slice(10)}`,
      code: 'invalid.account_case',
    },
    { text: swap(aliceText, 20), code: 'invalid.account_checksum' },
    { text: aliceText.slice(0, -1), code: 'invalid.account_length' },
    { text: paddedAccount(alice.publicKey), code: 'invalid.account_format' },
  ],
})

// ---------------------------------------------------------------- CRDT outcomes
const m = (
  type: MessageType,
  body: unknown,
  timestamp: number,
  secretKey = alice.secretKey,
  author?: Uint8Array,
) =>
  build({
    name: `${type}@${timestamp}:${toHex(secretKey).slice(0, 4)}`,
    type,
    body,
    secretKey,
    timestamp,
    ...(author ? { author } : {}),
  })
const post = m('post.add', { text: 'first' }, T0)
const bobPost = m('post.add', { text: 'by bob' }, T0, bob.secretKey)
const scenarios: [string, Message[]][] = [
  [
    'profile: last write wins per field',
    [
      m('profile.set', { field: 'name', value: 'A' }, T0),
      m('profile.set', { field: 'name', value: 'B' }, T0 + 1),
      m('profile.set', { field: 'bio', value: 'hi' }, T0),
    ],
  ],
  [
    'profile: equal timestamps, higher id wins',
    [
      m('profile.set', { field: 'name', value: 'X' }, T0 + 2),
      m('profile.set', { field: 'name', value: 'Y' }, T0 + 2),
    ],
  ],
  [
    'post: removed forever, even by an older remove',
    [post, m('post.remove', { target: post.id }, T0 - 1000)],
  ],
  ['post: remove arriving before the post', [m('post.remove', { target: post.id }, T0 + 5), post]],
  [
    'post: another author cannot remove it',
    [bobPost, m('post.remove', { target: bobPost.id }, T0 + 5)],
  ],
  [
    'thread: replies oldest first',
    [
      post,
      m('post.add', { text: 'r2', parent: post.id }, T0 + 2, bob.secretKey),
      m('post.add', { text: 'r1', parent: post.id }, T0 + 1, bob.secretKey),
    ],
  ],
  [
    'reaction: equal timestamps, remove wins',
    [
      post,
      m('reaction.add', { kind: 'like', target: post.id }, T0 + 3, bob.secretKey),
      m('reaction.remove', { kind: 'like', target: post.id }, T0 + 3, bob.secretKey),
    ],
  ],
  [
    'reaction: re-add after remove counts',
    [
      post,
      m('reaction.add', { kind: 'like', target: post.id }, T0 + 1, bob.secretKey),
      m('reaction.remove', { kind: 'like', target: post.id }, T0 + 2, bob.secretKey),
      m('reaction.add', { kind: 'like', target: post.id }, T0 + 3, bob.secretKey),
      m('reaction.add', { kind: 'like', target: post.id }, T0 + 1),
    ],
  ],
  [
    'follow: latest wins, tie goes to remove',
    [
      m('follow.add', { target: bob.publicKey }, T0 + 1),
      m('follow.remove', { target: bob.publicKey }, T0 + 1),
      m('follow.add', { target: alice.publicKey }, T0 + 1, bob.secretKey),
    ],
  ],
  [
    'signer: delegated post counts while the key is active',
    [
      m('signer.add', { key: app.publicKey, expiresAt: T0 + 1000, scope: ['social'] }, T0),
      m('post.add', { text: 'via app' }, T0 + 10, app.secretKey, alice.publicKey),
    ],
  ],
  [
    'signer: removal drops every message the key signed',
    [
      m('signer.add', { key: app.publicKey, expiresAt: T0 + 1000, scope: ['social'] }, T0),
      m('post.add', { text: 'via app' }, T0 + 10, app.secretKey, alice.publicKey),
      m('profile.set', { field: 'name', value: 'root' }, T0 + 1),
      m('profile.set', { field: 'name', value: 'app' }, T0 + 11, app.secretKey, alice.publicKey),
      m('signer.remove', { key: app.publicKey }, T0 + 5),
    ],
  ],
  [
    'signer: remove wins over a later re-add',
    [
      m('signer.remove', { key: app.publicKey }, T0),
      m('signer.add', { key: app.publicKey, expiresAt: T0 + 5000, scope: ['social'] }, T0 + 100),
    ],
  ],
  [
    'signer: messages at or after expiry do not count',
    [
      m('signer.add', { key: app.publicKey, expiresAt: T0 + 1000, scope: ['social'] }, T0),
      m('post.add', { text: 'late' }, T0 + 1000, app.secretKey, alice.publicKey),
      m('post.add', { text: 'in time' }, T0 + 999, app.secretKey, alice.publicKey),
    ],
  ],
  [
    'signer: unknown delegated key does not count',
    [m('post.add', { text: 'who?' }, T0, app.secretKey, alice.publicKey)],
  ],
  [
    'signer: transfer-only key cannot post',
    [
      m('signer.add', { key: app.publicKey, expiresAt: T0 + 1000, scope: ['transfer'] }, T0),
      m('post.add', { text: 'nope' }, T0 + 1, app.secretKey, alice.publicKey),
    ],
  ],
]
write('state.json', {
  description:
    'CRDT outcomes: reduceMessages(messages) in any order, with duplicates, must equal view. Messages are envelopes (hex) valid on the network at now.',
  network: toHex(NETWORK),
  now: NOW,
  scenarios: scenarios.map(([name, messages]) => ({
    name,
    messages: messages.map((x) => toHex(x.bytes)),
    view: reduceMessages(messages),
  })),
})
console.log(
  `wrote ${inputs.length} valid, ${invalid.length} invalid, ${scenarios.length} state vectors`,
)

// ---- set reconciliation (Negentropy V1)
const syncVectors = []
for (const s of SYNC_SCENARIOS) {
  const run = await converse(
    ours(syncItems(s.a), s.frameSizeLimit),
    ours(syncItems(s.b), s.frameSizeLimit),
  )
  syncVectors.push({ ...s, ...run })
}
write('sync.json', {
  description:
    'Negentropy V1 reconciliations. Item n: id SHA-256(UTF-8 "freebird sync vector " + n), timestamp T0 + floor(n / 3) * 1000 ms. a: the initiator\'s items, b: the responder\'s, as [from, to) ranges of n. transcript: each initiator message and the answer (hex); have/need: ids (hex, sorted) the initiator has and lacks.',
  t0: SYNC_VECTOR_T0,
  scenarios: syncVectors,
})
console.log(`wrote ${syncVectors.length} sync vectors`)
