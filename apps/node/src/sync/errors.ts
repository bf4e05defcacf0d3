import { FreebirdError, SyncError } from '@freebird/protocol'
import { StreamError } from '../p2p/frames.ts'

/**
 * Why a sync session ended early. Every code but `sync.closed` and
 * `sync.unreachable` is the peer's fault and counts against it.
 */
export const SYNC_SESSION_CODES = {
  /** A Negentropy message that does not parse (protocol codes pass through). */
  'sync.malformed': 'peer',
  'sync.version': 'peer',
  'sync.bound': 'peer',
  'sync.mode': 'peer',
  /** A frame over the size limit. */
  'sync.frame_too_large': 'peer',
  /** More rounds than a session may take. */
  'sync.rounds': 'peer',
  /** The peer stayed silent for too long. */
  'sync.timeout': 'peer',
  /** The peer said it had messages, then did not serve them. */
  'sync.withheld': 'peer',
  /** The peer served a message that is invalid, or not the one asked for. */
  'sync.invalid_message': 'peer',
  /** A fetch request that is not a list of ids, or too long. */
  'sync.bad_request': 'peer',
  /** The peer is refused for a while after repeated faults. */
  'sync.refused': 'local',
  /** Too many sessions at once here; try later. */
  'sync.busy': 'local',
  /** The stream or connection closed, or the node is stopping. */
  'sync.closed': 'local',
  /** The peer could not be dialed, or does not speak the sync protocol. */
  'sync.unreachable': 'local',
} as const

export type SyncSessionCode = keyof typeof SYNC_SESSION_CODES

export class SyncSessionError extends FreebirdError<SyncSessionCode> {
  override name = 'SyncSessionError'
  get peerFault(): boolean {
    return SYNC_SESSION_CODES[this.code] === 'peer'
  }
}

/** Any failure of a session as a SyncSessionError (protocol SyncErrors keep their codes). */
export function toSessionError(error: unknown): SyncSessionError {
  if (error instanceof SyncSessionError) return error
  if (error instanceof SyncError) return new SyncSessionError(error.code, error.message)
  if (error instanceof StreamError) {
    const code = error.code === 'stream.idle' ? 'sync.timeout' : 'sync.frame_too_large'
    return new SyncSessionError(code, error.message)
  }
  const message = error instanceof Error ? error.message : String(error)
  return new SyncSessionError('sync.closed', message, { cause: error })
}
