import type { FastifyInstance, FastifyRequest } from 'fastify'
import { SyncSessionError } from '../sync/errors.ts'
import type { HttpContext } from './context.ts'
import { HttpError } from './errors.ts'

const isLoopback = (address: string) =>
  address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')

/** Admin routes answer only a client on this machine, whatever address the API listens on. */
function adminOnly(request: FastifyRequest): void {
  if (!isLoopback(request.socket.remoteAddress ?? '')) {
    throw new HttpError(403, 'http.forbidden', 'admin routes answer loopback clients only')
  }
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {}
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'http.bad_request', 'the body must be a JSON object')
  }
  return body as Record<string, unknown>
}

/** On-demand sync, and the deny list tests and operators use to cut peers off. */
export function syncRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.post('/v1/sync', async (request) => {
    const { peer } = bodyObject(request.body)
    if (peer !== undefined && typeof peer !== 'string') {
      throw new HttpError(400, 'http.bad_request', '"peer" must be a peer id')
    }
    try {
      return await ctx.sync.syncWith(peer, 'request')
    } catch (error) {
      if (!(error instanceof SyncSessionError)) throw error
      const status = error.code === 'sync.unreachable' ? 404 : 409
      throw new HttpError(status, error.code, error.message)
    }
  })

  app.get('/v1/admin/deny', async (request) => {
    adminOnly(request)
    return { peers: ctx.deny.list() }
  })

  app.put('/v1/admin/deny', async (request) => {
    adminOnly(request)
    const { peers } = bodyObject(request.body)
    if (!Array.isArray(peers) || !peers.every((p) => typeof p === 'string')) {
      throw new HttpError(400, 'http.bad_request', '"peers" must be a list of peer ids')
    }
    await ctx.deny.set(peers as string[])
    return { peers: ctx.deny.list() }
  })
}
