import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client'

/** The node's Prometheus metrics, on its own registry (several nodes may share a process in tests). */
export function createMetrics() {
  const registry = new Registry()
  // Process CPU, memory, GC and event-loop lag (nodejs_eventloop_lag_*).
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  return {
    registry,
    messagesStored: new Counter({
      name: 'freebird_messages_stored_total',
      help: 'Messages validated and written to the store, by type and source',
      labelNames: ['type', 'source'] as const,
      registers,
    }),
    messagesRefused: new Counter({
      name: 'freebird_messages_refused_total',
      help: 'Messages not stored, by outcome (rejected, ignored, duplicate), code and source',
      labelNames: ['outcome', 'code', 'source'] as const,
      registers,
    }),
    gossipIn: new Counter({
      name: 'freebird_gossip_received_total',
      help: 'Gossip messages received, by verdict (accept, ignore, reject)',
      labelNames: ['verdict'] as const,
      registers,
    }),
    gossipOut: new Counter({
      name: 'freebird_gossip_published_total',
      help: 'Messages this node published to gossip',
      registers,
    }),
    peers: new Gauge({ name: 'freebird_peers', help: 'Connected libp2p peers', registers }),
    storedMessages: new Gauge({
      name: 'freebird_store_messages',
      help: 'Messages in the store',
      registers,
    }),
    dbBytes: new Gauge({
      name: 'freebird_store_bytes',
      help: 'Size of the LevelDB directory',
      registers,
    }),
    ingestInflight: new Gauge({
      name: 'freebird_ingest_inflight',
      help: 'Messages admitted to the pipeline and not yet answered',
      registers,
    }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>
