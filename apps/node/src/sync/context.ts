import type { IngestResult } from '../pipeline/ingest.ts'
import type { SyncIndex } from './sync-index.ts'

/** Bounds on what one sync session may cost either side. */
export interface SyncLimits {
  /** Largest Negentropy message this node sends (bytes; Negentropy's frameSizeLimit). */
  frameSizeLimit: number
  /** Largest Negentropy message this node accepts. */
  maxFrameBytes: number
  /** Most reconciliation rounds in one session. */
  maxRounds: number
  /** A session whose peer stays silent this long ends (ms). */
  idleMs: number
  /** Most ids in one fetch request. */
  fetchBatch: number
  /** Fetched or pushed messages waiting for the ingest pipeline, per session. */
  ingestWindow: number
}

export const DEFAULT_SYNC_LIMITS: SyncLimits = {
  frameSizeLimit: 512 * 1024,
  maxFrameBytes: 4 * 1024 * 1024,
  maxRounds: 2_000,
  idleMs: 30_000,
  fetchBatch: 1_024,
  ingestWindow: 4_096,
}

/** A reconciled set: the message store, or the ledger's certificates. */
export interface SyncSet {
  readonly syncIndex: SyncIndex
  /** Items' bytes by id (undefined for ids not held). */
  getMessages(ids: Uint8Array[]): Promise<(Uint8Array | undefined)[]>
  /** Positions in `ids` of items gone for good here (not to fetch again). */
  goneOf(ids: Uint8Array[]): Promise<Set<number>>
}

/** Where fetched and pushed items go: validated, then stored or refused. */
export interface SyncSink {
  submit(bytes: Uint8Array, source: 'sync'): Promise<IngestResult>
}

/** What both sides of a sync session work with. */
export interface SyncContext {
  store: SyncSet
  ingest: SyncSink
  limits: SyncLimits
}
