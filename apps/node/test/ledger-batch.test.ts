import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNodeVerifier } from '@freebird/node-verifier'
import {
  createSigner,
  decodeCanonical,
  encodeCanonical,
  formatAccount,
  utf8,
} from '@freebird/protocol'
import { buildCertificate, buildTransferOrder, decodeVote } from '@freebird/protocol/ledger'
import { afterAll, expect, it } from 'vitest'
import { parseGenesis } from '../src/genesis.ts'
import { createHttpServer } from '../src/http/server.ts'
import { Ledger } from '../src/ledger/ledger.ts'
import { createMetrics } from '../src/metrics.ts'
import { Ingest } from '../src/pipeline/ingest.ts'
import { MessageStore } from '../src/store/message-store.ts'

const dir = mkdtempSync(join(tmpdir(), 'freebird-ledger-batch-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const validator = createSigner(new Uint8Array(32).fill(1))
const alice = createSigner(new Uint8Array(32).fill(2))
const bob = createSigner(new Uint8Array(32).fill(3))
const log = { info() {}, debug() {}, warn() {}, error() {} } as never

// One validator of weight 1: its vote alone is a certificate.
it('POST /v1/ledger/batch answers each request in order: votes, certificates, refusals with codes', async () => {
  const genesis = parseGenesis(
    utf8(
      JSON.stringify({
        freebird: 1,
        network: 'batch',
        committee: [{ validator: formatAccount(validator.publicKey), weight: 1, peerId: 'p' }],
        allocations: [{ account: formatAccount(alice.publicKey), amount: '100' }],
      }),
    ),
  )
  const network = genesis.networkId
  const store = await MessageStore.open(join(dir, 'db'), network)
  const ledger = await Ledger.open(join(dir, 'ledger'), {
    params: genesis.ledger,
    validator,
    locksPath: join(dir, 'locks'),
    verify: createNodeVerifier(),
    log,
  })
  const app = createHttpServer({
    store,
    ingest: new Ingest({ store, network, verify: async () => true }),
    genesis,
    ledger,
    metrics: createMetrics(),
    events: new EventEmitter(),
    info: () => ({ peerId: '', multiaddrs: [], peers: 0, gossipPeers: 0, meshPeers: 0 }),
    ready: () => true,
    sync: {
      state: () => ({ intervalMs: 0, running: 0, completed: 0, failed: 0, lastSync: [] }),
      syncWith: () => Promise.reject(new Error('no peers in this test')),
    },
    deny: { list: () => [], set: async () => {} },
  })
  const batch = async (requests: unknown[]) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/ledger/batch',
      headers: { 'content-type': 'application/cbor' },
      payload: Buffer.from(encodeCanonical(requests)),
    })
    expect(response.statusCode).toBe(200)
    return decodeCanonical(response.rawPayload, 'answers') as Record<string, unknown>[]
  }
  const order = buildTransferOrder(
    { to: bob.publicKey, amount: 60n, seq: 0, kind: 'payment' },
    { network, signer: alice },
  )
  const overdraft = buildTransferOrder(
    { to: bob.publicKey, amount: 500n, seq: 0, kind: 'payment' },
    { network, signer: alice },
  )
  const [voted, refused, unknown] = await batch([
    { order: order.bytes },
    { order: overdraft.bytes },
    { nonsense: 1 },
  ])
  const vote = decodeVote(voted?.vote as Uint8Array)
  expect(refused).toEqual({ error: expect.objectContaining({ code: 'ledger.conflicting_order' }) })
  expect(unknown).toEqual({ error: expect.objectContaining({ code: 'ledger.bad_request' }) })

  const certificate = buildCertificate(order, [vote], genesis.ledger)
  const [stored, again, balance] = await batch([
    { certificate: certificate.bytes },
    { certificate: certificate.bytes },
    { balance: alice.publicKey },
  ])
  expect(stored).toMatchObject({ status: 'stored' })
  expect(again).toMatchObject({ status: 'duplicate' })
  expect(balance).toMatchObject({ balance: '40', nextSeq: 1 })

  // Not an array, or not CBOR: one clear 400 with a code, and nothing changes.
  const bad = await app.inject({
    method: 'POST',
    url: '/v1/ledger/batch',
    headers: { 'content-type': 'application/cbor' },
    payload: Buffer.from(encodeCanonical({ order: order.bytes })),
  })
  expect(bad.statusCode).toBe(400)
  expect(bad.json().code).toBe('ledger.bad_request')
  expect(ledger.state.account(bob.publicKey).balance).toBe(60n)
  await app.close()
  await ledger.close()
  await store.close()
})
