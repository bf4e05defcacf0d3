import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

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
    certificatesApplied: new Counter({
      name: 'freebird_ledger_certificates_applied_total',
      help: 'Ledger certificates verified and applied (credited; debited in seq order), by source',
      labelNames: ['source'] as const,
      registers,
    }),
    certificatesRefused: new Counter({
      name: 'freebird_ledger_certificates_refused_total',
      help: 'Ledger certificates not applied, by outcome (rejected, ignored, duplicate), code and source',
      labelNames: ['outcome', 'code', 'source'] as const,
      registers,
    }),
    ledgerVotes: new Counter({
      name: 'freebird_ledger_votes_total',
      help: 'Orders this validator was asked to vote on, by outcome (voted, or the refusal code)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    gossipIn: new Counter({
      name: 'freebird_gossip_received_total',
      help: 'Gossip messages received (a certificate batch counts once), by verdict (accept, ignore, reject)',
      labelNames: ['verdict'] as const,
      registers,
    }),
    gossipOut: new Counter({
      name: 'freebird_gossip_published_total',
      help: 'Gossip messages this node published (a certificate batch counts once)',
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
    syncSessions: new Counter({
      name: 'freebird_sync_sessions_total',
      help: 'Sync sessions, by role (initiator, responder) and outcome (ok or an error code)',
      labelNames: ['role', 'outcome'] as const,
      registers,
    }),
    syncRounds: new Counter({
      name: 'freebird_sync_rounds_total',
      help: 'Negentropy rounds, by role',
      labelNames: ['role'] as const,
      registers,
    }),
    syncBytes: new Counter({
      name: 'freebird_sync_bytes_total',
      help: 'Negentropy message bytes, by direction (sent, received)',
      labelNames: ['direction'] as const,
      registers,
    }),
    syncItems: new Counter({
      name: 'freebird_sync_items_total',
      help: 'Messages found by sync, by kind (have, need, skipped, fetched, pushed, served, received)',
      labelNames: ['kind'] as const,
      registers,
    }),
    syncDuration: new Histogram({
      name: 'freebird_sync_duration_seconds',
      help: 'Duration of sync sessions this node initiated',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 120, 600],
      registers,
    }),
    syncPeerFaults: new Counter({
      name: 'freebird_sync_peer_faults_total',
      help: 'Sync sessions ended by the peer misbehaving, by code',
      labelNames: ['code'] as const,
      registers,
    }),
    syncRunning: new Gauge({
      name: 'freebird_sync_running',
      help: 'Sync sessions in progress, by role',
      labelNames: ['role'] as const,
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
