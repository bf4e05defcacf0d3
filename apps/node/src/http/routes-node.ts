import { formatNetworkId, messageToJson, toHex } from '@freebird/protocol'
import type { FastifyInstance } from 'fastify'
import type { HttpContext } from './context.ts'
import { HttpError } from './errors.ts'

/** Health, info, metrics and the live event stream. */
export function nodeRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.get('/v1/health', async (_request, reply) => {
    if (!ctx.ready()) throw new HttpError(503, 'node.starting', 'the node is starting')
    return reply.send({ status: 'ok' })
  })

  app.get('/v1/info', async () => {
    const live = ctx.info()
    return {
      peerId: live.peerId,
      multiaddrs: live.multiaddrs,
      network: formatNetworkId(ctx.genesis.networkId),
      networkName: ctx.genesis.genesis.network,
      messageCount: ctx.store.messageCount,
      stateRoot: toHex(ctx.store.stateRoot),
      peers: live.peers,
      gossipPeers: live.gossipPeers,
      meshPeers: live.meshPeers,
      sync: ctx.sync.state(),
    }
  })

  app.get('/metrics', async (_request, reply) => {
    ctx.metrics.storedMessages.set(ctx.store.messageCount)
    ctx.metrics.ingestInflight.set(ctx.ingest.inflight)
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics())
  })

  // Server-Sent Events: one `message` event per newly stored message. Open
  // streams are ended when the server closes, or they would hold it open.
  const streams = new Set<() => void>()
  app.addHook('onClose', async () => {
    for (const close of streams) close()
  })
  app.get('/v1/events', (request, reply) => {
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    })
    res.write(': freebird events\n\n')
    // Events stored in one tick leave as one chunk: one syscall, not one each.
    let pending = ''
    const flush = () => {
      if (!res.writableEnded) res.write(pending)
      pending = ''
    }
    const send = (m: Parameters<typeof messageToJson>[0]) => {
      // A client that cannot keep up is cut off rather than buffered without bound.
      if (res.writableLength > 4 * 1024 * 1024) {
        close()
        return
      }
      if (pending === '') process.nextTick(flush)
      pending += `id: ${toHex(m.id)}\nevent: message\ndata: ${JSON.stringify(messageToJson(m))}\n\n`
    }
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000)
    const close = () => {
      clearInterval(heartbeat)
      ctx.events.off('stored', send)
      streams.delete(close)
      res.end()
    }
    streams.add(close)
    ctx.events.on('stored', send)
    request.raw.on('close', close)
  })
}
