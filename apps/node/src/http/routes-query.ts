import { decodeCanonical, encodeCanonical, FreebirdError } from '@freebird/protocol'
import type { FastifyInstance } from 'fastify'
import { answerQuery } from '../query/answer.ts'
import type { HttpContext } from './context.ts'
import { HttpError } from './errors.ts'

/**
 * `POST /v1/query`: the libp2p query protocol (PROTOCOL.md §13.4) over HTTP,
 * for clients that reach a node by URL. The body is the query as
 * deterministic CBOR; the answer is `{ messages }` in CBOR, envelopes the
 * client verifies itself.
 */
export function queryRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.post('/v1/query', { bodyLimit: 64 * 1024 }, async (request, reply) => {
    const body = request.body
    if (!(body instanceof Uint8Array)) {
      throw new HttpError(415, 'http.unsupported_media_type', 'send the query as application/cbor')
    }
    let messages: Uint8Array[]
    try {
      messages = await answerQuery(ctx.store, decodeCanonical(new Uint8Array(body), 'query'))
    } catch (error) {
      if (error instanceof FreebirdError) throw new HttpError(400, error.code, error.message)
      throw error
    }
    return reply
      .type('application/cbor')
      .send(Buffer.from(encodeCanonical({ messages }) as Uint8Array))
  })
}
