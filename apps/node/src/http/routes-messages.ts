import { MAX_MESSAGE_BYTES, messageToJson, toHex } from '@freebird/protocol'
import type { FastifyInstance } from 'fastify'
import type { HttpContext } from './context.ts'
import { HttpError } from './errors.ts'
import { idParam } from './params.ts'

/** Refusals that are the node's own trouble, not the message's: the client should retry. */
const RETRY_NOW = new Set(['node.verify_unavailable', 'store.unavailable'])

/** POST /v1/messages, GET /v1/messages/:id. */
export function messageRoutes(app: FastifyInstance, ctx: HttpContext): void {
  // The pipeline checks the size (too_large, counted like every refusal); the
  // server's own body limit only bounds what a client can make us buffer.
  app.post('/v1/messages', { bodyLimit: 16 * MAX_MESSAGE_BYTES }, async (request, reply) => {
    const body = request.body
    if (!(body instanceof Uint8Array)) {
      throw new HttpError(
        415,
        'http.unsupported_media_type',
        'send the encoded message as application/octet-stream',
      )
    }
    const result = await ctx.ingest.submit(new Uint8Array(body), 'http')
    if (result.status === 'stored' || result.status === 'duplicate') {
      return reply
        .code(result.status === 'stored' ? 201 : 200)
        .send({ id: toHex(result.id), status: result.status })
    }
    const status =
      result.code === 'too_large'
        ? 413
        : result.code === 'invalid.timestamp_future'
          ? 425
          : result.status === 'rejected'
            ? 422
            : RETRY_NOW.has(result.code)
              ? 503
              : 409
    return reply.code(status).send({ code: result.code, message: result.message })
  })

  app.get<{ Params: { id: string } }>('/v1/messages/:id', async (request) => {
    const bytes = await ctx.store.getMessage(idParam(request.params.id))
    if (!bytes) throw new HttpError(404, 'http.not_found', 'no message with that id')
    return messageToJson(ctx.store.decode(bytes))
  })
}
