import { formatNetworkId, toHex } from '@freebird/protocol'
import type { FastifyInstance } from 'fastify'
import type { HttpContext } from './context.ts'
import { HttpError } from './errors.ts'

/** Health, info and metrics. */
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
}
