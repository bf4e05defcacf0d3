import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  buildPostAdd,
  buildSignerAdd,
  createSigner,
  encodeEnvelope,
  networkIdFromGenesis,
  utf8,
} from '@freebird/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Ingest, type IngestResult } from '../src/pipeline/ingest.ts'
import { VerifyPool } from '../src/pipeline/verify-pool.ts'
import { MessageStore } from '../src/store/message-store.ts'

const network = networkIdFromGenesis(utf8('ingest tests'))
const alice = createSigner(new Uint8Array(32).fill(1))
const app = createSigner(new Uint8Array(32).fill(3))
const now = Date.now()

let dir: string
let store: MessageStore
let pool: VerifyPool
let ingest: Ingest
const stored: string[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'freebird-ingest-'))
  store = await MessageStore.open(dir, network)
  pool = new VerifyPool({ threads: 2 })
  ingest = new Ingest({
    store,
    network,
    verify: (m) => pool.verify(m),
    onStored: (m) => stored.push(m.data.type),
  })
})
afterAll(async () => {
  ingest.close()
  await pool.close()
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

const status = (r: IngestResult) =>
  r.status === 'stored' || r.status === 'duplicate' ? r.status : `${r.status}:${r.code}`

describe('Ingest pipeline', () => {
  it('stores valid messages and answers every bad one with its code', async () => {
    const post = buildPostAdd({ text: 'hello' }, { network, signer: alice, timestamp: now })
    const forged = encodeEnvelope({
      data: post.dataBytes,
      signer: post.signer,
      signature: new Uint8Array(64),
    })
    const future = buildPostAdd(
      { text: 'later' },
      { network, signer: alice, timestamp: now + 3_600_000 },
    )
    const results = await Promise.all([
      ingest.submit(post.bytes, 'http'),
      ingest.submit(post.bytes, 'http'),
      ingest.submit(forged, 'gossip'),
      ingest.submit(Uint8Array.of(1, 2, 3), 'gossip'),
      ingest.submit(future.bytes, 'http'),
    ])
    expect(results.map(status)).toEqual([
      'stored',
      'duplicate',
      'rejected:invalid.signature',
      'rejected:invalid.encoding',
      'ignored:invalid.timestamp_future',
    ])
    expect(store.messageCount).toBe(1)
  })

  it('applies in submission order: a signer.add is not overtaken by what it authorizes', async () => {
    const add = buildSignerAdd(
      { key: app.publicKey, expiresAt: now + 60_000 },
      { network, signer: alice, timestamp: now },
    )
    const posts = Array.from({ length: 200 }, (_, i) =>
      buildPostAdd(
        { text: `via app ${i}` },
        { network, signer: app, author: alice.publicKey, timestamp: now + i },
      ),
    )
    const results = await Promise.all([add, ...posts].map((m) => ingest.submit(m.bytes, 'libp2p')))
    expect(new Set(results.map(status))).toEqual(new Set(['stored']))
    expect(stored.filter((t) => t === 'post.add')).toHaveLength(201)
  })

  it('parks a message whose signer.add has not arrived, and stores it when it does', async () => {
    const key = createSigner(new Uint8Array(32).fill(9))
    const early = buildPostAdd(
      { text: 'before my key' },
      { network, signer: key, author: alice.publicKey, timestamp: now },
    )
    expect(status(await ingest.submit(early.bytes, 'gossip'))).toBe(
      'ignored:unauthorized.unknown_signer',
    )
    expect(await store.getMessage(early.id)).toBeUndefined()
    const add = buildSignerAdd(
      { key: key.publicKey, expiresAt: now + 60_000 },
      { network, signer: alice, timestamp: now },
    )
    expect(status(await ingest.submit(add.bytes, 'gossip'))).toBe('stored')
    // The parked post is applied by the writer's next pass.
    const until = Date.now() + 5_000
    while (!(await store.getMessage(early.id)) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10))
    expect(await store.getMessage(early.id)).toBeDefined()
  })

  it('answers a large concurrent burst, each after its batch is written', async () => {
    const before = store.messageCount
    const batch = Array.from({ length: 2000 }, (_, i) =>
      buildPostAdd({ text: `n${i}` }, { network, signer: alice, timestamp: now + 1000 + i }),
    )
    const results = await Promise.all(batch.map((m) => ingest.submit(m.bytes, 'http')))
    expect(results.every((r) => r.status === 'stored')).toBe(true)
    expect(store.messageCount).toBe(before + 2000)
    for (const m of batch.slice(0, 20)) expect(await store.getMessage(m.id)).toBeDefined()
  })
})
