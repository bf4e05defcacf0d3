import { EventEmitter } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { parseGenesis } from '../src/genesis.ts'
import { createHttpServer } from '../src/http/server.ts'
import { createMetrics } from '../src/metrics.ts'
import { Ingest } from '../src/pipeline/ingest.ts'
import { MessageStore } from '../src/store/message-store.ts'

const dir = mkdtempSync(join(tmpdir(), 'freebird-openapi-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// The documented API and the served API are the same set of routes.
it('docs/openapi.json documents exactly the routes the server has', async () => {
  const spec = JSON.parse(
    readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'),
  )
  const genesis = parseGenesis(new TextEncoder().encode('{"freebird":1,"network":"t"}'))
  const store = await MessageStore.open(dir, genesis.networkId)
  let denied: string[] = []
  const app = createHttpServer({
    store,
    ingest: new Ingest({ store, network: genesis.networkId, verify: async () => true }),
    genesis,
    metrics: createMetrics(),
    events: new EventEmitter(),
    info: () => ({ peerId: '', multiaddrs: [], peers: 0, gossipPeers: 0, meshPeers: 0 }),
    ready: () => true,
    sync: {
      state: () => ({ intervalMs: 0, running: 0, completed: 0, failed: 0, lastSync: [] }),
      syncWith: () => Promise.reject(new Error('no peers in this test')),
    },
    deny: {
      list: () => denied,
      set: async (peers) => {
        denied = peers
      },
    },
  })
  await app.ready()
  const documented = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(
    ([path, ops]) =>
      Object.keys(ops).map((method) => ({
        method: method.toUpperCase(),
        url: path.replace(/\{(\w+)\}/g, ':$1'),
      })),
  )
  // Every documented route is served...
  for (const route of documented)
    expect(app.hasRoute(route), `${route.method} ${route.url}`).toBe(true)
  // ...and nothing else is: printRoutes lists each route's methods as "(GET, HEAD)".
  const servedCount = [...app.printRoutes().matchAll(/\(([^)]+)\)/g)].flatMap((m) =>
    (m[1] as string).split(', ').filter((method) => method !== 'HEAD'),
  ).length
  expect(servedCount).toBe(documented.length)

  // Admin routes answer loopback clients only.
  const put = (remoteAddress: string) =>
    app.inject({
      method: 'PUT',
      url: '/v1/admin/deny',
      payload: { peers: ['12D3KooWPeer'] },
      remoteAddress,
    })
  const remote = await put('203.0.113.9')
  expect([remote.statusCode, remote.json().code]).toEqual([403, 'http.forbidden'])
  expect(denied).toEqual([])
  expect((await put('127.0.0.1')).json()).toEqual({ peers: ['12D3KooWPeer'] })
  expect(denied).toEqual(['12D3KooWPeer'])
  await app.close()
  await store.close()
})
