import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { decodeCanonical, encodeCanonical } from '@freebird/protocol'

export type Query = Record<string, unknown> & { q: string }

/**
 * A lying node for client tests: a real HTTP server in front of a real
 * node. It forwards everything, but passes each `POST /v1/query` answer
 * through `lie`, which gets the decoded query and the envelopes the node
 * answered and returns the envelopes to send instead.
 */
export async function lyingNode(
  target: string,
  lie: (query: Query, messages: Uint8Array[]) => Uint8Array[],
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    forward(req, res).catch((error: unknown) => {
      res.writeHead(502).end(String(error))
    })
  })
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const upstream = await fetch(new URL(req.url ?? '/', target), {
      method: req.method ?? 'GET',
      headers: { 'content-type': req.headers['content-type'] ?? 'application/octet-stream' },
      ...(body.length > 0 ? { body } : {}),
    })
    let answer: Uint8Array = new Uint8Array(await upstream.arrayBuffer())
    if (req.url === '/v1/query' && upstream.ok) {
      const query = decodeCanonical(new Uint8Array(body), 'query') as Query
      const { messages } = decodeCanonical(answer, 'answer') as { messages: Uint8Array[] }
      answer = encodeCanonical({ messages: lie(query, messages) })
    }
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
    })
    res.end(answer)
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}`, server }
}
