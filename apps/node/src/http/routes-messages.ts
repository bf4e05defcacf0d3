import { messageToJson } from '@freebird/protocol'
import type { FastifyInstance } from 'fastify'
import type { HttpContext } from './context.ts'
import { HttpError } from './errors.ts'
import { idParam } from './params.ts'
import { SUBMIT_BODY_LIMIT, submitReply } from './submit-reply.ts'

/** POST /v1/messages, GET /v1/messages/:id. */
export function messageRoutes(app: FastifyInstance, ctx: HttpContext): void {
  // The pipeline checks the size (too_large, counted like every refusal); the
  // server's own body limit only bounds what a client can make us buffer.
  app.post('/v1/messages', { bodyLimit: SUBMIT_BODY_LIMIT }, async (request, reply) => {
    const body = request.body
    if (!(body instanceof Uint8Array)) {
      throw new HttpError(
        415,
        'http.unsupported_media_type',
        'send the encoded message as application/octet-stream',
      )
    }
    // No copy here: decodeMessage takes its own.
    const { status, body: answer } = submitReply(await ctx.ingest.submit(body, 'http'))
    return reply.code(status).send(answer)
  })

  app.get<{ Params: { id: string } }>('/v1/messages/:id', async (request) => {
    const bytes = await ctx.store.getMessage(idParam(request.params.id))
    if (!bytes) throw new HttpError(404, 'http.not_found', 'no message with that id')
    return messageToJson(ctx.store.decode(bytes))
  })
}
