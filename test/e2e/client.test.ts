import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { createClient } from '@freebird/client'
import { createNodeSigner } from '@freebird/node-verifier'
import { afterAll, describe, expect, it } from 'vitest'
import { NodeProcess, waitFor } from './harness.ts'

const nodes: NodeProcess[] = []
const servers: Server[] = []
afterAll(async () => {
  for (const s of servers) s.close()
  await Promise.all(nodes.map((n) => n.stop()))
  for (const n of nodes) n.remove()
})

/**
 * A lying node: a real HTTP server in front of a real node that rewrites
 * what the node answers (`lie` gets the path and the JSON body).
 */
async function lyingNode(target: string, lie: (path: string, body: unknown) => unknown) {
  const server = createServer(async (req, res) => {
    const upstream = await fetch(new URL(req.url ?? '/', target))
    const body = (await upstream.json()) as unknown
    const changed = lie(req.url ?? '/', body)
    res.writeHead(changed === undefined ? 404 : upstream.status, {
      'content-type': 'application/json',
    })
    res.end(
      JSON.stringify(changed ?? { code: 'http.not_found', message: 'no message with that id' }),
    )
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  return `http://127.0.0.1:${address.port}`
}

/** The same envelope with one byte of its text changed. */
function alter(base64: string): string {
  const bytes = Buffer.from(base64, 'base64')
  const at = bytes.indexOf(Buffer.from('honest'))
  bytes[at] = 'H'.charCodeAt(0)
  return bytes.toString('base64')
}

describe('the light client against node processes', () => {
  it('posts to every node, reads back verified, and catches a node that alters or withholds', async () => {
    const a = new NodeProcess()
    nodes.push(await a.start())
    const b = new NodeProcess()
    nodes.push(await b.start(['--bootstrap', a.multiaddrs[0] as string]))
    await waitFor(async () => (await a.info()).peers >= 1, 'b connected to a')
    const signer = createNodeSigner(randomBytes(32))
    const client = createClient({ nodes: [a.url, b.url], signer })

    const posted = await client.post({ text: 'an honest post' })
    expect(posted.stored.sort()).toEqual([a.url, b.url].sort())
    const replied = await client.reply({ parent: posted.id, text: 'an honest reply' })
    await waitFor(
      async () => (await b.has(replied.id)) && (await a.has(replied.id)),
      'the reply on both',
    )
    const thread = await client.getThread(posted.id)
    expect(thread.post.text).toBe('an honest post')
    expect(thread.replies.map((r) => r.text)).toEqual(['an honest reply'])
    expect(thread.withheld).toEqual([])

    // A node that alters the text of what it serves is caught and never shown.
    const altering = await lyingNode(b.url, (_, body) => {
      const m = body as { bytes?: string }
      return m.bytes ? { ...m, bytes: alter(m.bytes) } : body
    })
    const faults: string[] = []
    const wary = createClient({
      nodes: [a.url, altering],
      signer,
      reads: 2,
      onFault: (f) => faults.push(f.node),
    })
    const read = await wary.getPost(posted.id)
    expect(read.faults.map((f) => [f.node, f.code])).toEqual([[altering, 'client.node_lied']])
    expect(new TextDecoder().decode(read.message.bytes)).toContain('an honest post')
    expect(faults).toEqual([altering])

    // A node that withholds the reply is reported; the reply still shows.
    const withholding = await lyingNode(a.url, (path, body) => {
      const t = body as { post?: unknown; replies?: unknown[] }
      return path.includes('/thread') ? { ...t, replies: [] } : body
    })
    const watched = createClient({ nodes: [withholding, b.url], reads: 2 })
    const merged = await watched.getThread(posted.id)
    expect(merged.replies.map((r) => r.text)).toEqual(['an honest reply'])
    expect(merged.withheld).toEqual([{ node: withholding, ids: [replied.id] }])
  })
})
