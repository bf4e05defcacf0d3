/**
 * Protocol throughput on one core: build+sign and decode+validate of a post
 * with 200 bytes of text, on the reference (noble) and the native paths
 * (libsodium, the default where it loads, and node:crypto's OpenSSL).
 *   pnpm bench
 */
import { createNodeSigner, createNodeVerifier } from '@freebird/node-verifier'
import {
  buildPostAdd,
  createSigner,
  decodeMessage,
  type Message,
  networkIdFromGenesis,
  utf8,
  validateMessage,
  verifySignature,
} from '@freebird/protocol'
import { measure, report } from './harness.ts'

const network = networkIdFromGenesis(utf8('freebird bench'))
const text = 'a'.repeat(200)
const AUTHORS = 1000
const seeds = Array.from({ length: AUTHORS }, (_, i) => {
  const seed = new Uint8Array(32)
  new DataView(seed.buffer).setUint32(0, i + 1)
  return seed
})
const nobleSigners = seeds.map(createSigner)
const nodeSigners = seeds.map((s) => createNodeSigner(s, { backend: 'openssl' }))
const sodiumSigners = seeds.map((s) => createNodeSigner(s, { backend: 'libsodium' }))
const timestamp = Date.now()

// A pool of distinct signed posts from 1,000 authors (as a node sees them).
const pool: Message[] = []
for (let i = 0; i < 20_000; i++) {
  pool.push(
    buildPostAdd(
      { text },
      {
        network,
        signer: nodeSigners[i % AUTHORS] as (typeof nodeSigners)[number],
        timestamp: timestamp + i,
      },
    ),
  )
}
const bytes = pool.map((m) => m.bytes)
const sample = pool[0] as Message
console.log(`post: ${utf8(text).length} bytes of text, ${sample.bytes.length} bytes on the wire`)

const nodeVerify = createNodeVerifier({ backend: 'openssl' })
const sodiumVerify = createNodeVerifier({ backend: 'libsodium' })
const now = timestamp + 60_000
const check = (ok: boolean) => {
  if (!ok) throw new Error('benchmark message failed to validate')
}

report('protocol', 'Freebird protocol, one core', [
  measure('build+sign (noble)', (i) => {
    buildPostAdd(
      { text },
      { network, signer: nobleSigners[i % AUTHORS] as (typeof nobleSigners)[number], timestamp },
    )
  }),
  measure('build+sign (node:crypto)', (i) => {
    buildPostAdd(
      { text },
      { network, signer: nodeSigners[i % AUTHORS] as (typeof nodeSigners)[number], timestamp },
    )
  }),
  measure('build+sign (libsodium)', (i) => {
    buildPostAdd(
      { text },
      { network, signer: sodiumSigners[i % AUTHORS] as (typeof sodiumSigners)[number], timestamp },
    )
  }),
  measure('decode only (no signature)', (i) => {
    decodeMessage(bytes[i % bytes.length] as Uint8Array, { network })
  }),
  measure('decode+validate (noble)', (i) => {
    check(
      validateMessage(bytes[i % bytes.length] as Uint8Array, {
        network,
        now,
        verify: verifySignature,
      }).ok,
    )
  }),
  {
    ...measure('decode+validate (node:crypto)', (i) => {
      check(
        validateMessage(bytes[i % bytes.length] as Uint8Array, { network, now, verify: nodeVerify })
          .ok,
      )
    }),
    target: 12_000,
  },
  {
    ...measure('decode+validate (libsodium)', (i) => {
      check(
        validateMessage(bytes[i % bytes.length] as Uint8Array, {
          network,
          now,
          verify: sodiumVerify,
        }).ok,
      )
    }),
    target: 12_000,
  },
  measure('decode+validate (node:crypto, new key each msg)', (i) => {
    // A fresh verifier per message: no cached KeyObject, the worst case.
    check(
      validateMessage(bytes[i % bytes.length] as Uint8Array, {
        network,
        now,
        verify: createNodeVerifier({ backend: 'openssl' }),
      }).ok,
    )
  }),
])
