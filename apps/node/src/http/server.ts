import Fastify, { type FastifyInstance } from 'fastify'
import type { HttpContext } from './context.ts'
import { HttpError } from './errors.ts'
import { accountRoutes } from './routes-accounts.ts'
import { eventRoutes } from './routes-events.ts'
import { ledgerRoutes } from './routes-ledger.ts'
import { messageRoutes } from './routes-messages.ts'
import { nodeRoutes } from './routes-node.ts'
import { queryRoutes } from './routes-query.ts'
import { syncRoutes } from './routes-sync.ts'
import { installSubmitLane } from './submit-lane.ts'

/** The node's HTTP API (see docs/openapi.json). Every error is { code, message }. */
export function createHttpServer(ctx: HttpContext): FastifyInstance {
  // forceCloseConnections: idle keep-alive connections do not delay a shutdown.
  const app = Fastify({
    bodyLimit: 64 * 1024,
    logger: false,
    forceCloseConnections: true,
    // Malformed URLs and the like get the same { code, message } as every other error.
    frameworkErrors: (error, _request, reply) => {
      void reply
        .code(400 as never)
        .send({ code: 'http.bad_request', message: error.message } as never)
    },
  })
  const lane = installSubmitLane(app.server, ctx)
  app.addHook('preClose', (done) => {
    lane.closeAll()
    done()
  })
  app.addContentTypeParser(
    ['application/octet-stream', 'application/cbor'],
    { parseAs: 'buffer' },
    (_request, body, done) => done(null, body),
  )
  app.setErrorHandler((error, request, reply) => {
    const refused = (code: string) => {
      if (request.method === 'POST' && request.url.startsWith('/v1/messages'))
        ctx.metrics.messagesRefused.inc({ outcome: 'rejected', code, source: 'http' })
    }
    if (error instanceof HttpError) {
      refused(error.code)
      return reply.code(error.status).send({ code: error.code, message: error.message })
    }
    const e = error as { statusCode?: number; code?: string; message: string }
    const status = e.statusCode ?? 500
    const code =
      e.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'too_large'
        : e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'http.unsupported_media_type'
          : status < 500
            ? 'http.bad_request'
            : 'http.internal'
    refused(code)
    return reply.code(status).send({ code, message: status < 500 ? e.message : 'internal error' })
  })
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ code: 'http.not_found', message: `no route ${request.method} ${request.url}` }),
  )
  nodeRoutes(app, ctx)
  messageRoutes(app, ctx)
  accountRoutes(app, ctx)
  queryRoutes(app, ctx)
  eventRoutes(app, ctx)
  syncRoutes(app, ctx)
  ledgerRoutes(app, ctx)
  return app
}
