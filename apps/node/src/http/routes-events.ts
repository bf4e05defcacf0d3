import { messageToJson, toHex } from '@freebird/protocol'
import type { FastifyInstance } from 'fastify'
import { type Filter, subscription } from '../query/subscription.ts'
import type { HttpContext } from './context.ts'
import { HttpError } from './errors.ts'
import { accountParam, idParam } from './params.ts'

interface EventsQuery {
  authors?: string
  types?: string
  parent?: string
  since?: string
}

/** `GET /v1/events` query parameters as a subscription filter (comma-separated lists). */
function filterOf(query: EventsQuery): Filter {
  const filter: Filter = {}
  const list = (v: string | undefined) => (v ? v.split(',').filter((x) => x !== '') : undefined)
  const authors = list(query.authors)
  const types = list(query.types)
  if (authors) filter.authors = authors.map(accountParam)
  if (types) filter.types = types
  if (query.parent) filter.parent = idParam(query.parent)
  if (query.since !== undefined) {
    const since = Number(query.since)
    if (!Number.isSafeInteger(since) || since < 0) {
      throw new HttpError(400, 'http.invalid_query', 'since must be a timestamp in ms')
    }
    filter.since = since
  }
  return filter
}

/**
 * Server-Sent Events: one `message` event per matching message, the stored
 * ones since `since` first (the same subscription as the libp2p protocol).
 * Open streams end when the server closes, or they would hold it open.
 */
export function eventRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const streams = new Set<AbortController>()
  app.addHook('onClose', async () => {
    for (const stream of streams) stream.abort()
  })
  app.get<{ Querystring: EventsQuery }>('/v1/events', (request, reply) => {
    const filter = filterOf(request.query)
    const gone = new AbortController()
    streams.add(gone)
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    })
    res.write(': freebird events\n\n')
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000)
    request.raw.on('close', () => gone.abort())
    void (async () => {
      // Events ready in one tick leave as one chunk: one syscall, not one each.
      let pending = ''
      const flush = () => {
        if (!res.writableEnded && pending !== '') res.write(pending)
        pending = ''
      }
      try {
        for await (const m of subscription(ctx.store, ctx.events, filter, gone.signal)) {
          // A client that cannot keep up is cut off rather than buffered without bound.
          if (res.writableLength > 4 * 1024 * 1024) break
          if (pending === '') process.nextTick(flush)
          pending += `id: ${toHex(m.id)}\nevent: message\ndata: ${JSON.stringify(messageToJson(m))}\n\n`
        }
      } catch (error) {
        request.log.debug({ err: error }, 'event stream ended with an error')
      } finally {
        flush()
        clearInterval(heartbeat)
        streams.delete(gone)
        res.end()
      }
    })()
  })
}
