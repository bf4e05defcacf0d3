import { Reconciler } from '@freebird/protocol'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { idleTimeout, readFrames, writeFrame } from '../p2p/frames.ts'
import type { SyncProtocols } from '../p2p/names.ts'
import type { SyncContext } from './context.ts'
import { SyncSessionError, toSessionError } from './errors.ts'
import { Fetcher } from './fetcher.ts'
import { Pusher } from './pusher.ts'

/** Ids found missing that may wait to be fetched before the next round is sent. */
const FETCH_BACKLOG = 50_000

/** What one session (as the dialer) did. */
export interface SessionStats {
  peer: string
  startedAt: number
  rounds: number
  bytesSent: number
  bytesReceived: number
  /** Ids this node has and the peer lacked (pushed). */
  have: number
  /** Ids the peer has and this node lacked. */
  need: number
  /** Of `need`, ids skipped because they are gone for good here. */
  skipped: number
  fetched: number
  pushed: number
  durationMs: number
  /** Set when the session failed; `peerFault` when it counts against the peer. */
  error?: { code: string; message: string; peerFault: boolean }
}

export interface SessionOptions {
  signal?: AbortSignal
  /** Called after every round with the stats so far. */
  onProgress?: (stats: SessionStats) => void
}

/**
 * One sync session as the dialer, which is the Negentropy initiator: rounds
 * over `/sync/1.0.0` find the difference; what this node lacks is fetched
 * over `/fetch/1.0.0` and what the peer lacks pushed over `/push/1.0.0`,
 * both while the rounds go on. Every round runs over a fresh view of the
 * set, so messages keep flowing in while a long session runs.
 */
export async function runSession(
  ctx: SyncContext,
  libp2p: Libp2p,
  protocols: SyncProtocols,
  peer: PeerId,
  options: SessionOptions = {},
): Promise<SessionStats> {
  // Never throws: a failed session reports its error in the stats.
  const { limits, store } = ctx
  const stats: SessionStats = {
    peer: peer.toString(),
    startedAt: Date.now(),
    rounds: 0,
    bytesSent: 0,
    bytesReceived: 0,
    have: 0,
    need: 0,
    skipped: 0,
    fetched: 0,
    pushed: 0,
    durationMs: 0,
  }
  const streams: Stream[] = []
  const open = async (protocol: string) => {
    try {
      const stream = await libp2p.dialProtocol(peer, protocol, {
        ...(options.signal ? { signal: options.signal } : {}),
      })
      streams.push(stream)
      return idleTimeout(stream, limits.idleMs)
    } catch (error) {
      if (options.signal?.aborted) throw new SyncSessionError('sync.closed', 'sync stopped')
      const message = error instanceof Error ? error.message : String(error)
      throw new SyncSessionError('sync.unreachable', `cannot open ${protocol}: ${message}`)
    }
  }
  const fetcher = new Fetcher(ctx, () => open(protocols.fetch))
  const pusher = new Pusher(ctx, () => open(protocols.push))
  const onAbort = () => {
    for (const s of streams) s.abort(new SyncSessionError('sync.closed', 'sync stopped'))
  }
  options.signal?.addEventListener('abort', onAbort)
  // Fetching goes on between rounds and after the last: report it on a clock too.
  const tally = () => {
    stats.fetched = fetcher.received
    stats.pushed = pusher.sent
  }
  const report = () => {
    tally()
    options.onProgress?.(stats)
  }
  const ticker = options.onProgress ? setInterval(report, 500) : undefined
  let answers: AsyncGenerator<Uint8Array> | undefined
  try {
    const stream = await open(protocols.sync)
    answers = readFrames(stream, limits.maxFrameBytes)
    let query: Uint8Array | null = await store.syncIndex.read((view) =>
      new Reconciler(view, { frameSizeLimit: limits.frameSizeLimit }).initiate(),
    )
    while (query) {
      if (stats.rounds >= limits.maxRounds) {
        throw new SyncSessionError('sync.rounds', `no agreement after ${limits.maxRounds} rounds`)
      }
      stats.bytesSent += query.byteLength
      await writeFrame(stream, query)
      const next = await answers.next()
      if (next.done) throw new SyncSessionError('sync.closed', 'the peer ended the sync stream')
      stats.rounds++
      stats.bytesReceived += next.value.byteLength
      const answer = next.value
      const result = await store.syncIndex.read((view) =>
        new Reconciler(view, { frameSizeLimit: limits.frameSizeLimit, initiator: true }).reconcile(
          answer,
        ),
      )
      query = result.output
      stats.have += result.have.length
      pusher.add(result.have)
      if (result.need.length > 0) {
        const gone = await store.goneOf(result.need)
        stats.need += result.need.length
        stats.skipped += gone.size
        fetcher.add(gone.size > 0 ? result.need.filter((_, i) => !gone.has(i)) : result.need)
      }
      // A long catch-up reconciles no faster than it fetches: ids wait in bounded numbers.
      if (query) await fetcher.room(FETCH_BACKLOG)
      report()
    }
    await stream.close()
    await Promise.all([fetcher.finish(), pusher.finish()])
    tally()
  } catch (error) {
    const failure = options.signal?.aborted
      ? new SyncSessionError('sync.closed', 'sync stopped')
      : toSessionError(error)
    for (const s of streams) s.abort(failure)
    // Let the fetch and push loops see their streams end before reporting.
    await Promise.allSettled([fetcher.finish(), pusher.finish()])
    stats.error = { code: failure.code, message: failure.message, peerFault: failure.peerFault }
  } finally {
    // Detach the frame reader from the stream.
    void answers?.return(undefined).catch(() => {})
    clearInterval(ticker)
    options.signal?.removeEventListener('abort', onAbort)
    stats.durationMs = Date.now() - stats.startedAt
  }
  return stats
}
