import type { EventEmitter } from 'node:events'
import type { Message } from '@freebird/protocol'
import type { LoadedGenesis } from '../genesis.ts'
import type { Ledger } from '../ledger/ledger.ts'
import type { Metrics } from '../metrics.ts'
import type { Ingest } from '../pipeline/ingest.ts'
import type { MessageStore } from '../store/message-store.ts'
import type { SyncState } from '../sync/service.ts'
import type { SessionStats } from '../sync/session.ts'

/** What the HTTP routes need from the node: explicit, so they can be tested alone. */
export interface HttpContext {
  store: MessageStore
  ingest: Ingest
  genesis: LoadedGenesis
  /** The token ledger (every node keeps one; it votes on a validator). */
  ledger?: Ledger
  metrics: Metrics
  /** Emits 'stored' with each newly stored Message. */
  events: EventEmitter<{ stored: [Message] }>
  /** Live node facts for /v1/info. */
  info: () => {
    peerId: string
    multiaddrs: string[]
    peers: number
    gossipPeers: number
    meshPeers: number
  }
  ready: () => boolean
  sync: {
    state(): SyncState
    /** Runs a session (with a random connected peer when none is named). */
    syncWith(peer?: string, reason?: string): Promise<SessionStats>
  }
  /** Peers refused both ways (admin, loopback only). */
  deny: {
    list(): string[]
    set(peers: string[]): Promise<void>
  }
}
