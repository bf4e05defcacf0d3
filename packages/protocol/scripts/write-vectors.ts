/**
 * Writes packages/protocol/vectors/*.json from fixed keys and timestamps.
 * Output is deterministic (Ed25519 signatures are); re-run it only when the
 * protocol changes on purpose, and review the diff: vectors are the spec.
 *   node scripts/write-vectors.ts
 */
import { writeFileSync } from 'node:fs'
import { sha256 } from '@noble/hashes/sha2.js'
import { base58, bech32m } from '@scure/base'
import {
  buildMessage,
  computeMessageId,
  concatBytes,
  createSigner,
  decodeCanonical,
  encodeCanonical,
  encodeEnvelope,
  FreebirdError,
  formatAccount,
  type KeyPair,
  keyPairFromSecretKey,
  LEDGER_CODES,
  MAX_CERTIFICATE_BATCH,
  MAX_CERTIFICATE_BYTES,
  MAX_ORDER_BYTES,
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
import {
  type AccountState,
  attestedBalance,
  BALANCE_TAG,
  type BalanceAttestation,
  buildCertificate,
  buildTransferOrder,
  type Certificate,
  checkVote,
  computeOrderId,
  decodeBalanceAttestation,
  decodeCertificate,
  decodeCertificateBatch,
  decodeTransferOrder,
  decodeVote,
  encodeCertificateBatch,
  encodeVote,
  type LedgerGenesis,
  type LedgerParams,
  LedgerState,
  ledgerGenesisFields,
  ledgerParams,
  ORDER_ID_TAG,
  signBalance,
  signVote,
  type TransferOrder,
  type TransferOrderInput,
  VOTE_TAG,
  voteDigest,
} from '../src/ledger/index.ts'
import { bstr, head, map, tstr, uint } from '../test/cbor-craft.ts'
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
/**
 * encodeCanonical for what the subset has; what it refuses (negative
 * integers, booleans, null, floats: for invalid vectors) is written in plain
 * CBOR instead, map keys in canonical order.
 */
function encodeCrafted(value: unknown): Uint8Array {
  try {
    return encodeCanonical(value)
  } catch (error) {
    // The encoder refuses values outside the subset with a TypeError; anything else is a bug here.
    if (!(error instanceof TypeError)) throw error
    return encodeLoose(value)
  }
}
function encodeLoose(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return bstr(value)
  if (typeof value === 'string') return tstr(value)
  if (typeof value === 'boolean') return Uint8Array.of(value ? 0xf5 : 0xf4)
  if (value === null) return Uint8Array.of(0xf6)
  if (typeof value === 'bigint') return encodeCanonical(value)
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value >= 0 ? uint(value) : head(1, -1 - value)
    const out = new Uint8Array(9)
    out[0] = 0xfb
    new DataView(out.buffer).setFloat64(1, value)
    return out
  }
  if (Array.isArray(value)) return concatBytes(head(4, value.length), ...value.map(encodeLoose))
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [tstr(k), encodeLoose(v)] as const)
    .sort(([a], [b]) => (toHex(a) < toHex(b) ? -1 : 1))
  return concatBytes(head(5, entries.length), ...entries.flat())
}
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
  signData(encodeCrafted(data(over, body)), secretKey)
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

// ================================================================ token ledger
// Orders, votes, certificates, attestations, invalid inputs with their codes,
// and LedgerState outcomes for certificates applied in several orders.
const ledgerKey = (name: string) => keyPairFromSecretKey(seed(name))
const carol = ledgerKey('carol')
const issuer = ledgerKey('issuer')
const whale = ledgerKey('whale')
const validators = [0, 1, 2, 3].map((i) => ledgerKey(`validator ${i}`))
const outsider = ledgerKey('validator outside the committee')
const validatorAt = (i: number) => validators[i] as KeyPair
/** A libp2p peer id for a key (identity multihash of its Ed25519 protobuf), base58btc. */
const peerIdOf = (key: Uint8Array) =>
  base58.encode(concatBytes(Uint8Array.of(0x00, 0x24, 0x08, 0x01, 0x12, 0x20), key))
const SUPPLY_CAP = 1000n
const WHALE_BALANCE = 2n ** 64n - 2_000_000n
const genesisOf = (weights: number[]): LedgerGenesis =>
  ledgerGenesisFields({
    committee: validators.map((v, i) => ({
      key: v.publicKey,
      weight: weights[i] as number,
      peerId: peerIdOf(v.publicKey),
    })),
    allocations: [
      { account: alice.publicKey, amount: 1_000_000n },
      { account: bob.publicKey, amount: 500n },
      { account: whale.publicKey, amount: WHALE_BALANCE },
    ],
    issuer: issuer.publicKey,
    supplyCap: SUPPLY_CAP,
  })
const GENESIS = { equal: genesisOf([1, 1, 1, 1]), weighted: genesisOf([5, 3, 1, 1]) }
type Committee = keyof typeof GENESIS
const PARAMS: Record<Committee, LedgerParams> = {
  equal: ledgerParams(GENESIS.equal, NETWORK),
  weighted: ledgerParams(GENESIS.weighted, NETWORK),
}
/** Ledger timestamps: a day after T0. */
const LT = T0 + 86_400_000
/** Tips go to the post "post.add text" of messages.json. */
const POST = helloPost.id

const ledgerCode = (fn: () => unknown): string => {
  try {
    fn()
    return 'ok'
  } catch (e) {
    if (e instanceof FreebirdError) return e.code
    throw e
  }
}
const expectCode = (name: string, code: string, fn: () => unknown) => {
  const got = ledgerCode(fn)
  if (got !== code) throw new Error(`ledger vector "${name}": expected ${code}, got ${got}`)
}
const flipBit = (bytes: Uint8Array, at: number) => {
  const out = bytes.slice()
  out[at] = (out[at] as number) ^ 1
  return out
}

// ---------------------------------------------------------------- orders
const transfer = (key: KeyPair, input: TransferOrderInput, network = NETWORK) =>
  buildTransferOrder(input, { network, signer: createSigner(key.secretKey) })
const orderVectors: { name: string; key: KeyPair; order: TransferOrder }[] = []
const vectorOrder = (name: string, key: KeyPair, input: TransferOrderInput) => {
  const order = transfer(key, input)
  orderVectors.push({ name, key, order })
  return order
}
const payment = vectorOrder('payment', alice, {
  to: bob.publicKey,
  amount: 100n,
  seq: 0,
  kind: 'payment',
  timestamp: LT,
})
const tip = vectorOrder('tip with ref (a post id)', alice, {
  to: bob.publicKey,
  amount: 25n,
  seq: 1,
  kind: 'tip',
  ref: POST,
  timestamp: LT + 1,
})
const purchase = vectorOrder('purchase with memo', alice, {
  to: carol.publicKey,
  amount: 300n,
  seq: 2,
  kind: 'purchase',
  memo: 'two coffees \u2615',
  timestamp: LT + 2,
})
const reward = vectorOrder('reward from the issuer', issuer, {
  to: alice.publicKey,
  amount: 600n,
  seq: 0,
  kind: 'reward',
  timestamp: LT + 3,
})
const bobTip = vectorOrder('tip with ref and memo', bob, {
  to: carol.publicKey,
  amount: 5n,
  seq: 1,
  kind: 'tip',
  ref: POST,
  memo: 'thanks!',
  timestamp: LT + 4,
})
vectorOrder('payment with a ref (any 32-byte id, e.g. an invoice)', bob, {
  to: alice.publicKey,
  amount: 1n,
  seq: 7,
  kind: 'payment',
  ref: sha256(utf8('invoice 42')),
  timestamp: LT + 5,
})
const big = vectorOrder('amount 2^53 + 1 (above 2^53: not exact as a double)', whale, {
  to: bob.publicKey,
  amount: 2n ** 53n + 1n,
  seq: 0,
  kind: 'payment',
  timestamp: LT + 6,
})
const largest = vectorOrder('amount 2^64 - 1 (the largest)', whale, {
  to: carol.publicKey,
  amount: 2n ** 64n - 1n,
  seq: 1,
  kind: 'purchase',
  timestamp: LT + 7,
})
vectorOrder('memo of 256 UTF-8 bytes (the limit)', alice, {
  to: bob.publicKey,
  amount: 2n,
  seq: 3,
  kind: 'payment',
  memo: '\u00e9'.repeat(128),
  timestamp: LT + 8,
})
vectorOrder('seq 2^32 and amount 65536 (longer integer forms)', bob, {
  to: carol.publicKey,
  amount: 65536n,
  seq: 2 ** 32,
  kind: 'payment',
  timestamp: LT + 9,
})
for (const v of orderVectors) {
  const d = decodeTransferOrder(v.order.bytes, NETWORK)
  if (toHex(d.id) !== toHex(v.order.id)) throw new Error(`order ${v.name} does not round-trip`)
}

// ---------------------------------------------------------------- votes
const voteOf = (order: TransferOrder, i: number) =>
  signVote(order.id, createSigner(validatorAt(i).secretKey))
const voteVectors = [
  ...[0, 1, 2, 3].map((i) => ({ name: `payment, validator ${i}`, order: payment, validator: i })),
  { name: 'reward, validator 0', order: reward, validator: 0 },
]

// ---------------------------------------------------------------- certificates
const certify = (order: TransferOrder, voters: number[], committee: Committee = 'equal') =>
  buildCertificate(
    order,
    voters.map((i) => voteOf(order, i)),
    PARAMS[committee],
  )
const certificateVectors: {
  name: string
  committee: Committee
  voters: number[]
  certificate: Certificate
}[] = []
const vectorCertificate = (
  name: string,
  committee: Committee,
  order: TransferOrder,
  voters: number[],
) => {
  const certificate = certify(order, voters, committee)
  certificateVectors.push({ name, committee, voters, certificate })
  return certificate
}
vectorCertificate(
  'payment: validators 3, 0, 2 of 4 with weight 1 (quorum 3)',
  'equal',
  payment,
  [3, 0, 2],
)
vectorCertificate('payment: all 4 validators', 'equal', payment, [0, 1, 2, 3])
vectorCertificate('tip: weighted 3 + 5 (quorum 7 of 10)', 'weighted', tip, [1, 0])
vectorCertificate('reward: weighted 1 + 1 + 5', 'weighted', reward, [3, 2, 0])
vectorCertificate('amount 2^64 - 1: validators 0, 1, 2', 'equal', largest, [0, 1, 2])
for (const v of certificateVectors) {
  const d = decodeCertificate(v.certificate.bytes, PARAMS[v.committee])
  if (toHex(d.order.id) !== toHex(v.certificate.order.id))
    throw new Error(`certificate ${v.name} does not round-trip`)
}

// ---------------------------------------------------------------- attestations
const attestationVectors: {
  name: string
  committee: Committee
  validator: number
  attestation: BalanceAttestation
}[] = []
const attest = (
  name: string,
  committee: Committee,
  validator: number,
  account: Uint8Array,
  balance: bigint,
  nextSeq: number,
) => {
  const attestation = signBalance(
    { network: NETWORK, account, balance, nextSeq },
    createSigner(validatorAt(validator).secretKey),
  )
  attestationVectors.push({ name, committee, validator, attestation })
  decodeBalanceAttestation(attestation.bytes, PARAMS[committee])
  return attestation
}
const aliceAt = (v: number) =>
  attest(`alice at genesis, validator ${v}`, 'equal', v, alice.publicKey, 1_000_000n, 0)
const aliceAttestations = [0, 1, 2, 3].map(aliceAt)
const aliceLater = attest(
  'alice after a payment, validator 3',
  'equal',
  3,
  alice.publicKey,
  999_900n,
  1,
)
attest('whale above 2^53, validator 1', 'equal', 1, whale.publicKey, WHALE_BALANCE, 0)
attest('issuer, balance 0, next seq 2', 'equal', 2, issuer.publicKey, 0n, 2)
const bobWeighted = [0, 1, 2, 3].map((v) =>
  attest(`bob, weighted committee, validator ${v}`, 'weighted', v, bob.publicKey, 500n, 0),
)
const [a0, a1, a2, a3] = aliceAttestations as [
  BalanceAttestation,
  BalanceAttestation,
  BalanceAttestation,
  BalanceAttestation,
]
const [w0, w1, w2, w3] = bobWeighted as [
  BalanceAttestation,
  BalanceAttestation,
  BalanceAttestation,
  BalanceAttestation,
]
const attestedVectors: [string, Committee, BalanceAttestation[]][] = [
  ['3 of 4 agree', 'equal', [a0, a1, a3]],
  ['2 of 4 agree, 1 differs: no quorum', 'equal', [a0, a1, aliceLater]],
  ['3 agree and 1 differs', 'equal', [aliceLater, a2, a0, a1]],
  ['one validator 3 times counts once', 'equal', [a0, a0, a0]],
  ['weighted: 5 + 3 = 8 of 10 (quorum 7)', 'weighted', [w0, w1]],
  ['weighted: 3 + 1 + 1 = 5: no quorum', 'weighted', [w1, w2, w3]],
]

// ---------------------------------------------------------------- invalid
const BAD_ORDER_INPUTS: [string, KeyPair, TransferOrderInput, string][] = [
  ['amount 0', alice, { to: bob.publicKey, amount: 0n, seq: 0, kind: 'payment' }, 'ledger.amount'],
  [
    'amount 2^64',
    alice,
    { to: bob.publicKey, amount: 2n ** 64n, seq: 0, kind: 'payment' },
    'ledger.amount',
  ],
  [
    'unknown kind "gift"',
    alice,
    { to: bob.publicKey, amount: 1n, seq: 0, kind: 'gift' as 'payment' },
    'ledger.kind',
  ],
  ['tip without ref', alice, { to: bob.publicKey, amount: 1n, seq: 0, kind: 'tip' }, 'ledger.ref'],
  [
    'to of 31 bytes',
    alice,
    { to: bob.publicKey.subarray(0, 31), amount: 1n, seq: 0, kind: 'payment' },
    'ledger.encoding',
  ],
  [
    'ref of 31 bytes',
    alice,
    { to: bob.publicKey, amount: 1n, seq: 0, kind: 'tip', ref: new Uint8Array(31).fill(9) },
    'ledger.ref',
  ],
  [
    'empty memo (omit it instead)',
    alice,
    { to: bob.publicKey, amount: 1n, seq: 0, kind: 'payment', memo: '' },
    'ledger.memo',
  ],
  [
    'memo of 257 UTF-8 bytes',
    alice,
    { to: bob.publicKey, amount: 1n, seq: 0, kind: 'payment', memo: `${'\u00e9'.repeat(128)}x` },
    'ledger.memo',
  ],
  [
    'self transfer',
    alice,
    { to: alice.publicKey, amount: 1n, seq: 0, kind: 'payment' },
    'ledger.self_transfer',
  ],
  [
    'timestamp before 2025',
    alice,
    { to: bob.publicKey, amount: 1n, seq: 0, kind: 'payment', timestamp: Date.UTC(2024, 11, 31) },
    'ledger.timestamp',
  ],
]
for (const [name, key, input, code] of BAD_ORDER_INPUTS)
  expectCode(name, code, () => transfer(key, { timestamp: LT, ...input }))

/** Order data as a map; `over` replaces or (undefined) drops fields. */
const orderData = (over: Record<string, unknown> = {}) =>
  encodeCrafted({
    version: 1,
    network: NETWORK,
    from: alice.publicKey,
    to: bob.publicKey,
    amount: 100,
    seq: 0,
    kind: 'payment',
    timestamp: LT,
    ...over,
  })
const ORDER_KEY_ORDER = ['to', 'ref', 'seq', 'from', 'kind', 'memo', 'amount', 'network', 'version']
/** Order data written field by field from encoded values, keys in the given order. */
const orderMap = (over: Record<string, Uint8Array>, keys = [...ORDER_KEY_ORDER, 'timestamp']) => {
  const values: Record<string, Uint8Array> = {
    to: encodeCanonical(bob.publicKey),
    seq: uint(0),
    from: encodeCanonical(alice.publicKey),
    kind: tstr('payment'),
    amount: uint(100),
    network: encodeCanonical(NETWORK),
    version: uint(1),
    timestamp: encodeCanonical(LT),
    ...over,
  }
  return map(keys.filter((k) => values[k]).map((k) => [k, values[k] as Uint8Array]))
}
/** The signed order { order, signature } of any data bytes, signed over their id. */
const signOrder = (dataBytes: Uint8Array, key: KeyPair = alice) =>
  encodeCanonical({
    order: dataBytes,
    signature: createSigner(key.secretKey).sign(computeOrderId(dataBytes)),
  })
const badOrder = (over: Record<string, unknown>, key?: KeyPair) => signOrder(orderData(over), key)

const invalidOrders: [string, Uint8Array, string][] = [
  ['not CBOR', Uint8Array.of(0xff, 0x00), 'ledger.encoding'],
  ['trailing byte', concatBytes(payment.bytes, Uint8Array.of(0)), 'ledger.encoding'],
  [
    'non-canonical: data keys out of order (signed)',
    signOrder(
      orderMap({}, ['seq', 'to', 'from', 'kind', 'amount', 'network', 'version', 'timestamp']),
    ),
    'ledger.encoding',
  ],
  [
    'non-canonical: amount 100 in the 2-byte form (signed)',
    signOrder(orderMap({ amount: uint(100, 2) })),
    'ledger.encoding',
  ],
  ['unknown field "note"', badOrder({ note: 'x' }), 'ledger.encoding'],
  ['missing field "seq"', badOrder({ seq: undefined }), 'ledger.encoding'],
  ['kind is not text', badOrder({ kind: 1 }), 'ledger.encoding'],
  ['to is 31 bytes', badOrder({ to: bob.publicKey.slice(1) }), 'ledger.encoding'],
  [
    'signed order without signature',
    encodeCanonical({ order: payment.dataBytes }),
    'ledger.encoding',
  ],
  [
    'signed order is an array',
    encodeCanonical([payment.dataBytes, payment.signature]),
    'ledger.encoding',
  ],
  ['amount is negative (no negative integers)', badOrder({ amount: -1 }), 'ledger.encoding'],
  [
    'amount 2^64 (a bignum tag: no CBOR unsigned integer holds it)',
    signOrder(orderMap({ amount: Uint8Array.of(0xc2, 0x49, 1, 0, 0, 0, 0, 0, 0, 0, 0) })),
    'ledger.encoding',
  ],
  ['version 2', badOrder({ version: 2 }), 'ledger.version'],
  ['wrong network', badOrder({ network: OTHER_NETWORK }), 'ledger.network'],
  ['amount 0', badOrder({ amount: 0 }), 'ledger.amount'],
  ['amount is text', badOrder({ amount: '100' }), 'ledger.amount'],
  ['unknown kind "gift"', badOrder({ kind: 'gift' }), 'ledger.kind'],
  ['tip without ref', badOrder({ kind: 'tip' }), 'ledger.ref'],
  ['ref of 31 bytes', badOrder({ kind: 'tip', ref: POST.slice(1) }), 'ledger.ref'],
  ['empty memo', badOrder({ memo: '' }), 'ledger.memo'],
  ['memo of 257 UTF-8 bytes', badOrder({ memo: `${'\u00e9'.repeat(128)}x` }), 'ledger.memo'],
  ['timestamp before 2025', badOrder({ timestamp: Date.UTC(2024, 11, 31) }), 'ledger.timestamp'],
  ['self transfer', badOrder({ to: alice.publicKey }), 'ledger.self_transfer'],
  ['signature bit flipped', flipBit(payment.bytes, payment.bytes.length - 1), 'ledger.signature'],
  [
    'signed by the recipient, not the sender',
    signOrder(payment.dataBytes, bob),
    'ledger.signature',
  ],
  [
    "signed by alice's delegated app key (transfers need the root key)",
    signOrder(payment.dataBytes, app),
    'ledger.signature',
  ],
  [
    'signature over the data bytes, not the id',
    encodeCanonical({
      order: payment.dataBytes,
      signature: createSigner(alice.secretKey).sign(payment.dataBytes),
    }),
    'ledger.signature',
  ],
  [
    `oversize: more than ${MAX_ORDER_BYTES} bytes (memo of 800 bytes)`,
    badOrder({ memo: 'm'.repeat(800) }),
    'ledger.too_large',
  ],
]
for (const [name, bytes, code] of invalidOrders)
  expectCode(name, code, () => decodeTransferOrder(bytes, NETWORK))

type Pair = [Uint8Array, Uint8Array]
const byKey = (a: Pair, b: Pair) => (toHex(a[0]) < toHex(b[0]) ? -1 : 1)
/** Sorted [validator, signature] pairs of the given validators' votes on an order id. */
const pairsOf = (orderId: Uint8Array, voters: number[], signers = validators) =>
  voters
    .map((i): Pair => {
      const key = signers[i] as KeyPair
      return [key.publicKey, createSigner(key.secretKey).sign(voteDigest(orderId))]
    })
    .sort(byKey)
const certificateOf = (order: unknown, votes: unknown) => encodeCanonical({ order, votes })
const goodPairs = pairsOf(payment.id, [0, 1, 2])
const aliceReward = transfer(alice, {
  to: bob.publicKey,
  amount: 1n,
  seq: 0,
  kind: 'reward',
  timestamp: LT,
})
const otherNetworkOrder = transfer(
  alice,
  { to: bob.publicKey, amount: 1n, seq: 0, kind: 'payment', timestamp: LT },
  OTHER_NETWORK,
)
const oversizePairs = Array.from(
  { length: 280 },
  (_, i): Pair => [sha256(utf8(`oversize ${i}`)), new Uint8Array(64)],
).sort(byKey)
const [p0, p1, p2] = goodPairs as [Pair, Pair, Pair]
const invalidCertificates: [string, Committee, Uint8Array, string][] = [
  ['not CBOR', 'equal', Uint8Array.of(0xff), 'ledger.encoding'],
  ['not a map', 'equal', encodeCanonical([payment.bytes, goodPairs]), 'ledger.encoding'],
  [
    'unknown field',
    'equal',
    encodeCanonical({ order: payment.bytes, votes: goodPairs, x: 1 }),
    'ledger.encoding',
  ],
  ['votes not a list', 'equal', certificateOf(payment.bytes, 'votes'), 'ledger.encoding'],
  [
    'a vote of 3 items',
    'equal',
    certificateOf(payment.bytes, [[...p0, new Uint8Array(0)], p1, p2]),
    'ledger.encoding',
  ],
  [
    'a vote signature of 63 bytes',
    'equal',
    certificateOf(payment.bytes, [[p0[0], p0[1].slice(1)], p1, p2]),
    'ledger.encoding',
  ],
  [
    'votes not sorted by validator',
    'equal',
    certificateOf(payment.bytes, [p1, p0, p2]),
    'ledger.encoding',
  ],
  [
    'order is not bytes',
    'equal',
    certificateOf(toHex(payment.bytes), goodPairs),
    'ledger.encoding',
  ],
  ['no votes', 'equal', certificateOf(payment.bytes, []), 'ledger.quorum'],
  [
    'too few votes: 2 of 4 (quorum 3)',
    'equal',
    certificateOf(payment.bytes, pairsOf(payment.id, [0, 3])),
    'ledger.quorum',
  ],
  [
    'too few votes: weighted 3 + 1 + 1 = 5 of 10 (quorum 7)',
    'weighted',
    certificateOf(payment.bytes, pairsOf(payment.id, [1, 2, 3])),
    'ledger.quorum',
  ],
  [
    'a voter outside the committee',
    'equal',
    certificateOf(
      payment.bytes,
      [...goodPairs, ...pairsOf(payment.id, [0], [outsider])].sort(byKey),
    ),
    'ledger.unknown_validator',
  ],
  [
    'a validator twice',
    'equal',
    certificateOf(payment.bytes, [p0, p0, p1, p2]),
    'ledger.duplicate_validator',
  ],
  [
    'a vote signature bit flipped',
    'equal',
    certificateOf(payment.bytes, [p0, [p1[0], flipBit(p1[1], 0)], p2]),
    'ledger.vote_signature',
  ],
  [
    'votes for another order',
    'equal',
    certificateOf(payment.bytes, pairsOf(tip.id, [0, 1, 2])),
    'ledger.vote_signature',
  ],
  [
    'the order signature bit flipped',
    'equal',
    certificateOf(flipBit(payment.bytes, payment.bytes.length - 1), goodPairs),
    'ledger.signature',
  ],
  [
    'the order is for another network',
    'equal',
    certificateOf(otherNetworkOrder.bytes, pairsOf(otherNetworkOrder.id, [0, 1, 2])),
    'ledger.network',
  ],
  [
    'the order is invalid (amount 0)',
    'equal',
    certificateOf(
      badOrder({ amount: 0 }),
      pairsOf(computeOrderId(orderData({ amount: 0 })), [0, 1, 2]),
    ),
    'ledger.amount',
  ],
  [
    'a reward from a non-issuer',
    'equal',
    certificateOf(aliceReward.bytes, pairsOf(aliceReward.id, [0, 1, 2])),
    'ledger.not_issuer',
  ],
  [
    `oversize: more than ${MAX_CERTIFICATE_BYTES} bytes (280 votes)`,
    'equal',
    certificateOf(payment.bytes, oversizePairs),
    'ledger.too_large',
  ],
]
for (const [name, committee, bytes, code] of invalidCertificates)
  expectCode(name, code, () => decodeCertificate(bytes, PARAMS[committee]))

const goodVote = voteOf(payment, 0)
const invalidVotes: [string, Uint8Array, string][] = [
  [
    'vote without validator',
    encodeCanonical({ order: payment.id, signature: goodVote.signature }),
    'ledger.encoding',
  ],
  [
    'vote order id of 31 bytes',
    encodeVote({ ...goodVote, order: payment.id.slice(1) }),
    'ledger.encoding',
  ],
  ['vote for another order', encodeVote(voteOf(tip, 0)), 'ledger.vote_signature'],
  [
    'vote signature bit flipped',
    encodeVote({ ...goodVote, signature: flipBit(goodVote.signature, 0) }),
    'ledger.vote_signature',
  ],
  [
    'vote by a key outside the committee',
    encodeVote(signVote(payment.id, createSigner(outsider.secretKey))),
    'ledger.unknown_validator',
  ],
]
for (const [name, bytes, code] of invalidVotes)
  expectCode(name, code, () => checkVote(decodeVote(bytes), payment.id, PARAMS.equal))

const signedStatement = (statement: Record<string, unknown>, key: KeyPair = validatorAt(0)) => {
  const data = encodeCrafted(statement)
  const digest = sha256(concatBytes(BALANCE_TAG, data))
  return encodeCanonical({
    data,
    signature: createSigner(key.secretKey).sign(digest),
    validator: key.publicKey,
  })
}
const statement = { network: NETWORK, account: alice.publicKey, balance: 1_000_000, nextSeq: 0 }
const invalidAttestations: [string, Uint8Array, string][] = [
  ['not CBOR', Uint8Array.of(0xff), 'ledger.encoding'],
  ['statement with an unknown field', signedStatement({ ...statement, x: 1 }), 'ledger.encoding'],
  ['negative balance', signedStatement({ ...statement, balance: -5 }), 'ledger.encoding'],
  [
    'for another network',
    signedStatement({ ...statement, network: OTHER_NETWORK }),
    'ledger.network',
  ],
  [
    'by a key outside the committee',
    signedStatement(statement, outsider),
    'ledger.unknown_validator',
  ],
  [
    'signature bit flipped',
    encodeCanonical({
      ...(decodeCanonical(a0.bytes, 'attestation') as object),
      signature: flipBit(a0.signature, 0),
    }),
    'ledger.vote_signature',
  ],
]
for (const [name, bytes, code] of invalidAttestations)
  expectCode(name, code, () => decodeBalanceAttestation(bytes, PARAMS.equal))
expectCode('attest a negative balance', 'ledger.amount', () =>
  signBalance({ ...statement, balance: -1n }, createSigner(validatorAt(0).secretKey)),
)

const invalidGenesis: [string, unknown][] = [
  [
    'a validator of weight 0',
    { ...GENESIS.equal, committee: GENESIS.equal.committee?.map((m) => ({ ...m, weight: 0 })) },
  ],
  [
    'a validator twice',
    {
      ...GENESIS.equal,
      committee: [...(GENESIS.equal.committee ?? []), GENESIS.equal.committee?.[0]],
    },
  ],
  [
    'an allocation with a leading zero',
    { allocations: [{ account: formatAccount(alice.publicKey), amount: '0100' }] },
  ],
  [
    'a validator that is not an account',
    { committee: [{ validator: 'alice', weight: 1, peerId: 'p' }] },
  ],
  ['a supply cap without an issuer', { supplyCap: '5' }],
  ['an issuer without a supply cap', { issuer: formatAccount(issuer.publicKey) }],
]
for (const [name, genesis] of invalidGenesis)
  expectCode(name, 'ledger.encoding', () => ledgerParams(genesis as LedgerGenesis, NETWORK))

const ledgerCovered = new Set([
  ...BAD_ORDER_INPUTS.map((v) => v[3]),
  ...invalidOrders.map((v) => v[2]),
  ...invalidCertificates.map((v) => v[3]),
])
const ledgerMissing = Object.entries(LEDGER_CODES)
  .filter(([code, action]) => action === 'reject' && !ledgerCovered.has(code))
  .map(([code]) => code)
if (ledgerMissing.length)
  throw new Error(`no invalid ledger vector for: ${ledgerMissing.join(', ')}`)

// ---------------------------------------------------------------- ledger state
type Step = number | { check: string; order: TransferOrder; code: string }
interface LedgerScenario {
  name: string
  committee: Committee
  certificates: [string, Certificate][]
  converges: boolean
  runs: Step[][]
}
const idIndex = (certs: [string, Certificate][]) =>
  new Map(certs.map(([, c], i) => [toHex(c.order.id), i]))
/** What a test compares: every allocated or touched account, tips to the refs of the tips here, pending, total. */
const ledgerSnapshot = (state: LedgerState, certs: [string, Certificate][]) => {
  const index = idIndex(certs)
  const keys = new Set([
    ...state.params.allocations.keys(),
    ...[...state.accounts()].map(([k]) => k),
  ])
  const accounts: Record<string, { balance: string; nextSeq: number; minted: string }> = {}
  for (const key of [...keys].sort()) {
    const a: AccountState = state.account(key)
    accounts[key] = {
      balance: a.balance.toString(),
      nextSeq: a.nextSeq,
      minted: a.minted.toString(),
    }
  }
  const refs = new Set(
    certs.flatMap(([, c]) =>
      c.order.data.kind === 'tip' && c.order.data.ref ? [toHex(c.order.data.ref)] : [],
    ),
  )
  const tips: Record<string, string> = {}
  for (const ref of [...refs].sort()) tips[ref] = state.tipsOf(ref).toString()
  return {
    accounts,
    tips,
    pending: [...state.pending()]
      .map((c) => index.get(toHex(c.order.id)) as number)
      .sort((a, b) => a - b),
    total: state.totalBalance().toString(),
  }
}
const runScenario = (s: LedgerScenario, steps: Step[]) => {
  const state = new LedgerState(PARAMS[s.committee])
  const index = idIndex(s.certificates)
  return steps.map((step) => {
    if (typeof step !== 'number') {
      const got = state.checkOrder(step.order)?.code ?? 'ok'
      if (got !== step.code)
        throw new Error(`${s.name}: check ${step.check}: ${got}, not ${step.code}`)
      return { check: step.check, order: toHex(step.order.bytes), code: got }
    }
    const r = state.apply((s.certificates[step] as [string, Certificate])[1])
    return {
      apply: step,
      status: r.status,
      ...(r.status === 'applied'
        ? { debited: r.debited.map((c) => index.get(toHex(c.order.id)) as number) }
        : {}),
      ...(r.status === 'conflict' ? { existing: index.get(toHex(r.existing)) as number } : {}),
      state: ledgerSnapshot(state, s.certificates),
    }
  })
}

const bobPays = transfer(bob, {
  to: carol.publicKey,
  amount: 50n,
  seq: 0,
  kind: 'payment',
  timestamp: LT + 20,
})
const carolPays = transfer(carol, {
  to: alice.publicKey,
  amount: 10n,
  seq: 0,
  kind: 'payment',
  timestamp: LT + 21,
})
const order = (
  key: KeyPair,
  to: KeyPair,
  amount: bigint,
  seq: number,
  kind: TransferOrderInput['kind'] = 'payment',
) => transfer(key, { to: to.publicKey, amount, seq, kind, timestamp: LT + 30 + seq })
const rewardBob = order(issuer, bob, 400n, 1, 'reward')
const alicePaysCarol = order(alice, carol, 1000n, 0)
const check = (name: string, o: TransferOrder, code: string): Step => ({
  check: name,
  order: o,
  code,
})
const ledgerScenarios: LedgerScenario[] = [
  {
    name: 'transfers in any arrival order: credit on arrival, debit in seq order, gaps buffered',
    committee: 'equal',
    converges: true,
    certificates: [
      ['alice seq 0: payment of 100 to bob', certify(payment, [0, 1, 2])],
      ['alice seq 1: tip of 25 to bob', certify(tip, [1, 2, 3])],
      ['alice seq 2: purchase of 300 from carol', certify(purchase, [0, 2, 3])],
      ['bob seq 0: payment of 50 to carol', certify(bobPays, [0, 1, 3])],
      ['carol seq 0: payment of 10 to alice', certify(carolPays, [0, 1, 2])],
      ['bob seq 1: tip of 5 to carol', certify(bobTip, [0, 1, 2, 3])],
      ['whale seq 0: payment of 2^53 + 1 to bob', certify(big, [0, 1, 2])],
    ],
    runs: [
      [0, 1, 2, 3, 4, 5, 6],
      [6, 5, 4, 3, 2, 1, 0],
      [2, 1, 4, 5, 0, 3, 6],
      [0, 0, 3, 1, 3, 2, 4, 5, 6, 2, 5],
    ],
  },
  {
    name: 'the vote rule (checkOrder) and rewards within the supply cap',
    committee: 'equal',
    converges: true,
    certificates: [
      ['issuer seq 0: reward of 600 to alice', certify(reward, [0, 1, 2])],
      [
        'issuer seq 1: reward of 400 to bob (minted reaches the cap)',
        certify(rewardBob, [1, 2, 3]),
      ],
      ['alice seq 0: payment of 1000 to carol', certify(alicePaysCarol, [0, 1, 3])],
    ],
    runs: [
      [
        check('reward of 600 at seq 0: within the cap', reward, 'ok'),
        check(
          'reward of 1001 at seq 0: past the cap',
          order(issuer, alice, 1001n, 0, 'reward'),
          'ledger.supply_cap',
        ),
        check('reward at seq 1 before seq 0', rewardBob, 'ledger.wrong_seq'),
        0,
        check('reward of 400 at seq 1: minted + 400 = the cap', rewardBob, 'ok'),
        check(
          'reward of 401 at seq 1: one past the cap',
          order(issuer, bob, 401n, 1, 'reward'),
          'ledger.supply_cap',
        ),
        1,
        check(
          'reward of 1 at seq 2: the cap is reached',
          order(issuer, bob, 1n, 2, 'reward'),
          'ledger.supply_cap',
        ),
        check(
          'a reward from alice (not the issuer)',
          order(alice, bob, 1n, 0, 'reward'),
          'ledger.not_issuer',
        ),
        check(
          'carol pays before she ever held tokens',
          order(carol, bob, 1n, 0),
          'ledger.unknown_account',
        ),
        check('bob pays 901 of his 900', order(bob, carol, 901n, 0), 'ledger.insufficient_balance'),
        check('bob pays all his 900', order(bob, carol, 900n, 0), 'ok'),
        check(
          'alice at seq 1 while her next seq is 0',
          order(alice, bob, 1n, 1),
          'ledger.wrong_seq',
        ),
        check('alice pays 1000 at seq 0', alicePaysCarol, 'ok'),
        2,
        check('alice at seq 0 again, once it is certified', alicePaysCarol, 'ledger.wrong_seq'),
        check('carol pays 1000 she now holds', order(carol, bob, 1000n, 0), 'ok'),
        check('alice pays all her 999600 at seq 1', order(alice, bob, 999_600n, 1), 'ok'),
        check(
          'alice pays 999601 at seq 1',
          order(alice, bob, 999_601n, 1),
          'ledger.insufficient_balance',
        ),
      ],
      [2, 1, 0],
      [1, 2, 0, 1],
    ],
  },
  {
    name: 'conflicting certificates at one (from, seq): a Byzantine quorum (test only: all 4 validators voted twice); the first one applied holds the slot',
    committee: 'equal',
    converges: false,
    certificates: [
      ['alice seq 0: payment of 100 to bob', certify(payment, [0, 1, 2, 3])],
      [
        'alice seq 0: payment of 100 to carol (conflicts)',
        certify(order(alice, carol, 100n, 0), [0, 1, 2, 3]),
      ],
      ['alice seq 1: payment of 1 to bob', certify(order(alice, bob, 1n, 1), [0, 1, 2])],
    ],
    runs: [
      [0, 1, 2],
      [1, 0, 2],
      [2, 1, 0],
    ],
  },
  {
    name: 'weighted committee: certificates of 5 + 3 and 5 + 1 + 1',
    committee: 'weighted',
    converges: true,
    certificates: [
      ['alice seq 0: payment of 100 to bob', certify(payment, [0, 1], 'weighted')],
      ['alice seq 1: tip of 25 to bob', certify(tip, [0, 2, 3], 'weighted')],
    ],
    runs: [
      [0, 1],
      [1, 0],
    ],
  },
]
const ledgerStateVectors = ledgerScenarios.map((s) => {
  const runs = s.runs.map((steps) => runScenario(s, steps))
  if (s.converges) {
    const finals = runs.map((r) => {
      const last = r.filter((x) => 'state' in x).at(-1)
      return JSON.stringify(last && 'state' in last ? last.state : null)
    })
    if (new Set(finals).size !== 1) throw new Error(`${s.name}: runs do not converge`)
  }
  return {
    name: s.name,
    committee: s.committee,
    converges: s.converges,
    certificates: s.certificates.map(([name, c]) => ({ name, certificate: toHex(c.bytes) })),
    runs: runs.map((steps) => ({ steps })),
  }
})

// ---------------------------------------------------------------- certificate batches (gossip)
const batchVectors: [string, Certificate[]][] = [
  ['one certificate', [certificateVectors[0]?.certificate as Certificate]],
  [
    'three certificates, in the order given',
    [2, 0, 4].map((i) => certificateVectors[i]?.certificate as Certificate),
  ],
]
for (const [name, certs] of batchVectors) {
  const items = decodeCertificateBatch(encodeCertificateBatch(certs.map((c) => c.bytes)))
  if (items.map(toHex).join() !== certs.map((c) => toHex(c.bytes)).join())
    throw new Error(`certificate batch ${name} does not round-trip`)
}
const invalidBatches: [string, Uint8Array, string][] = [
  ['not CBOR', Uint8Array.of(0xff), 'ledger.encoding'],
  ['a map, not a list', encodeCanonical({ certificates: [payment.bytes] }), 'ledger.encoding'],
  ['an empty list', encodeCanonical([]), 'ledger.encoding'],
  ['an item that is text', encodeCanonical(['certificate']), 'ledger.encoding'],
  [
    `${MAX_CERTIFICATE_BATCH + 1} certificates`,
    encodeCanonical(Array.from({ length: MAX_CERTIFICATE_BATCH + 1 }, () => Uint8Array.of(0))),
    'ledger.too_large',
  ],
  [
    'an item over the certificate size limit',
    encodeCanonical([new Uint8Array(MAX_CERTIFICATE_BYTES + 1)]),
    'ledger.too_large',
  ],
]

// ---------------------------------------------------------------- ledger.json
const keyJson = (k: KeyPair) => ({
  secretKey: toHex(k.secretKey),
  publicKey: toHex(k.publicKey),
  account: formatAccount(k.publicKey),
})
const orderInputJson = (o: TransferOrder) => {
  const d = o.data
  return {
    from: toHex(d.from),
    to: toHex(d.to),
    amount: d.amount.toString(),
    seq: d.seq,
    kind: d.kind,
    ...(d.ref ? { ref: toHex(d.ref) } : {}),
    ...(d.memo !== undefined ? { memo: d.memo } : {}),
    timestamp: d.timestamp,
  }
}
const statementJson = (s: { account: Uint8Array; balance: bigint; nextSeq: number }) => ({
  account: toHex(s.account),
  balance: s.balance.toString(),
  nextSeq: s.nextSeq,
})
const stepsJson = ledgerStateVectors
write('ledger.json', {
  description:
    'Token ledger (docs/PROTOCOL.md §14). Bytes are lower-case hex strings, amounts and balances decimal strings. orders: input -> buildTransferOrder(input, network, signer = secretKey) gives exactly output; output.order -> decodeTransferOrder(network) gives input. votes: signVote(order id, validator) gives digest and signature; vote is encodeVote. certificates: buildCertificate(order, votes of voters, params of committee) gives exactly bytes; decodeCertificate(bytes) gives the order and votes. certificateBatches: encodeCertificateBatch(certificates) gives exactly batch; decodeCertificateBatch(batch) gives the certificates. attestations: signBalance(statement, validator) gives exactly bytes. attested: attestedBalance(decoded attestations) gives statement (null: no quorum). invalid*: the decoder (or builder, or ledgerParams) fails with code. state: new LedgerState(params of committee); each run applies certificates (steps with apply: index into certificates) and checks orders (steps with check: LedgerState.checkOrder code, "ok" for none); after each apply the state is exactly state. Runs of a scenario with converges: true end in the same state.',
  network: toHex(NETWORK),
  version: 1,
  tags: {
    order: toHex(ORDER_ID_TAG),
    vote: toHex(VOTE_TAG),
    balance: toHex(BALANCE_TAG),
  },
  keys: {
    alice: keyJson(alice),
    bob: keyJson(bob),
    carol: keyJson(carol),
    whale: keyJson(whale),
    issuer: keyJson(issuer),
    aliceApp: keyJson(app),
    outsider: keyJson(outsider),
    validators: validators.map(keyJson),
  },
  genesis: GENESIS,
  params: Object.fromEntries(
    Object.entries(PARAMS).map(([name, p]) => [
      name,
      { totalWeight: p.totalWeight, quorum: p.quorum },
    ]),
  ),
  orders: orderVectors.map((v) => ({
    name: v.name,
    secretKey: toHex(v.key.secretKey),
    input: orderInputJson(v.order),
    output: {
      data: toHex(v.order.dataBytes),
      id: toHex(v.order.id),
      signature: toHex(v.order.signature),
      order: toHex(v.order.bytes),
    },
  })),
  votes: voteVectors.map((v) => {
    const vote = voteOf(v.order, v.validator)
    return {
      name: v.name,
      order: toHex(v.order.id),
      validator: v.validator,
      output: {
        digest: toHex(voteDigest(v.order.id)),
        signature: toHex(vote.signature),
        vote: toHex(encodeVote(vote)),
      },
    }
  }),
  certificates: certificateVectors.map((v) => ({
    name: v.name,
    committee: v.committee,
    order: toHex(v.certificate.order.bytes),
    voters: v.voters,
    output: {
      votes: v.certificate.votes.map((x) => [toHex(x.validator), toHex(x.signature)]),
      certificate: toHex(v.certificate.bytes),
    },
  })),
  attestations: attestationVectors.map((v) => {
    const data = (decodeCanonical(v.attestation.bytes, 'attestation') as { data: Uint8Array }).data
    return {
      name: v.name,
      committee: v.committee,
      validator: v.validator,
      statement: statementJson(v.attestation),
      output: {
        data: toHex(data),
        digest: toHex(sha256(concatBytes(BALANCE_TAG, data))),
        signature: toHex(v.attestation.signature),
        attestation: toHex(v.attestation.bytes),
      },
    }
  }),
  attested: attestedVectors.map(([name, committee, list]) => {
    const result = attestedBalance(list, PARAMS[committee])
    return {
      name,
      committee,
      attestations: list.map((a) => toHex(a.bytes)),
      statement: result ? statementJson(result) : null,
    }
  }),
  invalidOrderInputs: BAD_ORDER_INPUTS.map(([name, key, input, code]) => ({
    name,
    secretKey: toHex(key.secretKey),
    input: {
      to: toHex(input.to),
      amount: input.amount.toString(),
      seq: input.seq,
      kind: input.kind,
      ...(input.ref ? { ref: toHex(input.ref) } : {}),
      ...(input.memo !== undefined ? { memo: input.memo } : {}),
      timestamp: input.timestamp ?? LT,
    },
    code,
  })),
  invalidOrders: invalidOrders.map(([name, bytes, code]) => ({ name, order: toHex(bytes), code })),
  invalidCertificates: invalidCertificates.map(([name, committee, bytes, code]) => ({
    name,
    committee,
    certificate: toHex(bytes),
    code,
  })),
  certificateBatches: batchVectors.map(([name, certs]) => ({
    name,
    certificates: certs.map((c) => toHex(c.bytes)),
    batch: toHex(encodeCertificateBatch(certs.map((c) => c.bytes))),
  })),
  invalidCertificateBatches: invalidBatches.map(([name, bytes, code]) => ({
    name,
    batch: toHex(bytes),
    code,
  })),
  invalidVotes: {
    order: toHex(payment.id),
    committee: 'equal',
    vectors: invalidVotes.map(([name, bytes, code]) => ({ name, vote: toHex(bytes), code })),
  },
  invalidAttestations: {
    committee: 'equal',
    vectors: invalidAttestations.map(([name, bytes, code]) => ({
      name,
      attestation: toHex(bytes),
      code,
    })),
  },
  invalidGenesis: invalidGenesis.map(([name, genesis]) => ({
    name,
    genesis,
    code: 'ledger.encoding',
  })),
  state: stepsJson,
})
console.log(
  `wrote ledger vectors: ${orderVectors.length} orders, ${voteVectors.length} votes, ${certificateVectors.length} certificates, ${batchVectors.length} certificate batches, ${attestationVectors.length} attestations, ${attestedVectors.length} attested, ${BAD_ORDER_INPUTS.length + invalidOrders.length + invalidCertificates.length + invalidBatches.length + invalidVotes.length + invalidAttestations.length + invalidGenesis.length} invalid, ${ledgerScenarios.length} state scenarios`,
)
