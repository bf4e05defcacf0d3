import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import { idleTimeout } from '../p2p/frames.ts'
import { messageSyncProtocols, type SyncProtocols } from '../p2p/names.ts'
import { DEFAULT_SYNC_LIMITS, type SyncContext, type SyncLimits } from './context.ts'
import { SyncSessionError, toSessionError } from './errors.ts'
import { SyncProgress } from './progress.ts'
import { acceptPush, answerSync, type ResponderStats, serveFetch } from './responder.ts'
import { runSession, type SessionStats } from './session.ts'

/** Faults after which a peer is refused, and for how long. */
const MAX_FAULTS = 3
const REFUSE_MS = 10 * 60_000
/** Peers whose last session /v1/info keeps. */
const KEEP_LAST = 64

export interface SyncServiceOptions extends Omit<SyncContext, 'limits'> {
  libp2p: Libp2p
  network: string
  /** The set's protocols: the message set's by default. */
  protocols?: SyncProtocols
  metrics: Metrics
  log: Logger
  /** Sync with a random peer this often (ms); 0 turns periodic sync off. */
  interval: number
  /** Sessions this node initiates at once. */
  maxSessions?: number
  /** Sessions peers may hold with this node at once. */
  maxInbound?: number
  limits?: Partial<SyncLimits>
}

/** Sync state for /v1/info. */
export interface SyncState {
  intervalMs: number
  running: number
  completed: number
  failed: number
  /** The last session with each peer, newest first. */
  lastSync: (Omit<SessionStats, 'startedAt'> & { at: string })[]
}

/**
 * Anti-entropy: reconciles the message set with peers on every new outbound
 * connection, every `interval` with a random peer, and on demand; answers
 * peers' sessions. Sessions are bounded both ways, and a peer whose sessions
 * keep failing by its fault is refused for a while.
 */
export class SyncService {
  readonly #o: SyncServiceOptions & { maxSessions: number; maxInbound: number }
  readonly #ctx: SyncContext
  readonly #progress: SyncProgress
  readonly #sessions = new Map<string, Promise<SessionStats>>()
  readonly #slots: (() => void)[] = []
  readonly #faults = new Map<string, { count: number; refusedUntil: number }>()
  readonly #last = new Map<string, SessionStats>()
  readonly #abort = new AbortController()
  #active = 0
  #inbound = 0
  #completed = 0
  #failed = 0
  #timer: NodeJS.Timeout | undefined
  readonly #onIdentify = (
    event: CustomEvent<{ peerId: PeerId; protocols: string[]; connection: { direction: string } }>,
  ) => {
    const { peerId, protocols, connection } = event.detail
    // One side of each connection starts: the dialer.
    if (connection.direction === 'outbound' && protocols.includes(this.#protocol)) {
      void this.syncWith(peerId, 'connect')
    }
  }

  constructor(options: SyncServiceOptions) {
    this.#o = { maxSessions: 2, maxInbound: 8, ...options }
    this.#ctx = {
      store: options.store,
      ingest: options.ingest,
      limits: { ...DEFAULT_SYNC_LIMITS, ...options.limits },
    }
    this.#progress = new SyncProgress(options.log)
  }

  get #protocols(): SyncProtocols {
    return this.#o.protocols ?? messageSyncProtocols(this.#o.network)
  }

  get #protocol(): string {
    return this.#protocols.sync
  }

  async start(): Promise<void> {
    const { libp2p } = this.#o
    const names = this.#protocols
    const opts = { maxInboundStreams: 2 }
    await libp2p.handle(
      names.sync,
      (stream, connection) => this.#serve('sync', stream, connection.remotePeer),
      opts,
    )
    await libp2p.handle(
      names.fetch,
      (stream, connection) => this.#serve('fetch', stream, connection.remotePeer),
      opts,
    )
    await libp2p.handle(
      names.push,
      (stream, connection) => this.#serve('push', stream, connection.remotePeer),
      opts,
    )
    libp2p.addEventListener('peer:identify', this.#onIdentify as never)
    if (this.#o.interval > 0) {
      this.#timer = setInterval(() => void this.#syncRandom(), this.#o.interval)
      this.#timer.unref()
    }
  }

  async stop(): Promise<void> {
    const { libp2p } = this.#o
    const names = this.#protocols
    clearInterval(this.#timer)
    libp2p.removeEventListener('peer:identify', this.#onIdentify as never)
    this.#abort.abort()
    for (const wake of this.#slots.splice(0)) wake()
    await Promise.allSettled(this.#sessions.values())
    await libp2p.unhandle([names.sync, names.fetch, names.push]).catch(() => {})
  }

  /**
   * Runs a session with `peer` (a random connected Freebird peer when absent)
   * and resolves with its stats; a session already running with that peer is
   * joined, not repeated.
   */
  async syncWith(peer?: PeerId | string, reason = 'request'): Promise<SessionStats> {
    let id: PeerId | undefined
    try {
      id = typeof peer === 'string' ? peerIdFromString(peer) : peer
    } catch {
      throw new SyncSessionError('sync.unreachable', `not a peer id: ${String(peer)}`)
    }
    id ??= (await this.#candidates())[0]
    if (!id) throw new SyncSessionError('sync.unreachable', 'no connected peer to sync with')
    const key = id.toString()
    const running = this.#sessions.get(key)
    if (running) return running
    if (this.#refused(key)) {
      throw new SyncSessionError('sync.refused', `peer ${key} is refused for now`)
    }
    const session = this.#run(id, reason).finally(() => this.#sessions.delete(key))
    this.#sessions.set(key, session)
    return session
  }

  state(): SyncState {
    return {
      intervalMs: this.#o.interval,
      running: this.#active,
      completed: this.#completed,
      failed: this.#failed,
      lastSync: [...this.#last.values()].reverse().map(({ startedAt, ...rest }) => ({
        at: new Date(startedAt).toISOString(),
        ...rest,
      })),
    }
  }

  async #run(peer: PeerId, reason: string): Promise<SessionStats> {
    const { metrics, log } = this.#o
    // Bounded concurrency: wait for a slot.
    while (this.#active >= this.#o.maxSessions && !this.#abort.signal.aborted) {
      await new Promise<void>((resolve) => this.#slots.push(resolve))
    }
    this.#active++
    metrics.syncRunning.inc({ role: 'initiator' })
    log.debug({ peer: peer.toString(), reason }, 'sync started')
    try {
      const stats = await runSession(this.#ctx, this.#o.libp2p, this.#protocols, peer, {
        signal: this.#abort.signal,
        onProgress: (s) => this.#progress.update(s),
      })
      this.#record(stats)
      return stats
    } finally {
      this.#active--
      metrics.syncRunning.dec({ role: 'initiator' })
      this.#slots.shift()?.()
    }
  }

  #record(stats: SessionStats): void {
    const { metrics, log } = this.#o
    this.#progress.done(stats)
    this.#last.delete(stats.peer)
    this.#last.set(stats.peer, stats)
    if (this.#last.size > KEEP_LAST) this.#last.delete(this.#last.keys().next().value as string)
    metrics.syncSessions.inc({ role: 'initiator', outcome: stats.error?.code ?? 'ok' })
    metrics.syncRounds.inc({ role: 'initiator' }, stats.rounds)
    metrics.syncBytes.inc({ direction: 'sent' }, stats.bytesSent)
    metrics.syncBytes.inc({ direction: 'received' }, stats.bytesReceived)
    for (const kind of ['have', 'need', 'skipped', 'fetched', 'pushed'] as const) {
      metrics.syncItems.inc({ kind }, stats[kind])
    }
    metrics.syncDuration.observe(stats.durationMs / 1000)
    const summary = {
      peer: stats.peer,
      rounds: stats.rounds,
      have: stats.have,
      need: stats.need,
      fetched: stats.fetched,
      pushed: stats.pushed,
      ms: stats.durationMs,
    }
    if (stats.error) {
      this.#failed++
      if (stats.error.peerFault) this.#fault(stats.peer, stats.error.code)
      log.warn({ ...summary, code: stats.error.code, err: stats.error.message }, 'sync failed')
    } else {
      this.#completed++
      const moved = stats.fetched + stats.pushed > 0
      log[moved ? 'info' : 'debug'](summary, 'sync done')
    }
  }

  /** The listener side of one stream, bounded and counted; never throws. */
  async #serve(kind: 'sync' | 'fetch' | 'push', stream: Stream, peer: PeerId): Promise<void> {
    const { metrics, log } = this.#o
    const key = peer.toString()
    if (this.#refused(key) || this.#inbound >= this.#o.maxInbound) {
      const code = this.#refused(key) ? 'sync.refused' : 'sync.busy'
      metrics.syncSessions.inc({ role: 'responder', outcome: code })
      stream.abort(new SyncSessionError(code, 'sync refused'))
      return
    }
    this.#inbound++
    metrics.syncRunning.inc({ role: 'responder' })
    const limits = this.#ctx.limits
    const s = idleTimeout(stream, limits.idleMs)
    try {
      if (kind === 'sync') {
        const stats: ResponderStats = { rounds: 0, bytesIn: 0, bytesOut: 0 }
        try {
          await answerSync(this.#ctx, s, stats)
        } finally {
          metrics.syncRounds.inc({ role: 'responder' }, stats.rounds)
          metrics.syncBytes.inc({ direction: 'received' }, stats.bytesIn)
          metrics.syncBytes.inc({ direction: 'sent' }, stats.bytesOut)
        }
        metrics.syncSessions.inc({ role: 'responder', outcome: 'ok' })
      } else if (kind === 'fetch') {
        metrics.syncItems.inc({ kind: 'served' }, await serveFetch(this.#ctx, s))
      } else {
        metrics.syncItems.inc({ kind: 'received' }, await acceptPush(this.#ctx, s))
      }
    } catch (error) {
      const failure = toSessionError(error)
      if (kind === 'sync') metrics.syncSessions.inc({ role: 'responder', outcome: failure.code })
      if (failure.peerFault) {
        this.#fault(key, failure.code)
        log.warn(
          { peer: key, protocol: kind, code: failure.code, err: failure.message },
          'sync peer fault',
        )
      } else {
        log.debug({ peer: key, protocol: kind, err: failure.message }, 'sync stream ended')
      }
      stream.abort(failure)
    } finally {
      this.#inbound--
      metrics.syncRunning.dec({ role: 'responder' })
    }
  }

  #fault(peer: string, code: string): void {
    this.#o.metrics.syncPeerFaults.inc({ code })
    const entry = this.#faults.get(peer) ?? { count: 0, refusedUntil: 0 }
    entry.count++
    if (entry.count >= MAX_FAULTS) {
      entry.count = 0
      entry.refusedUntil = Date.now() + REFUSE_MS
      this.#o.log.warn({ peer, minutes: REFUSE_MS / 60_000 }, 'sync refuses a misbehaving peer')
    }
    this.#faults.set(peer, entry)
  }

  #refused(peer: string): boolean {
    return (this.#faults.get(peer)?.refusedUntil ?? 0) > Date.now()
  }

  /** Connected peers that speak this network's sync protocol, not refused, shuffled. */
  async #candidates(): Promise<PeerId[]> {
    const { libp2p } = this.#o
    const peers = new Map<string, PeerId>()
    for (const peer of libp2p.getPeers()) {
      if (this.#refused(peer.toString())) continue
      const known = await libp2p.peerStore.get(peer).catch(() => undefined)
      if (known?.protocols.includes(this.#protocol)) peers.set(peer.toString(), peer)
    }
    return [...peers.values()]
      .map((p) => ({ p, r: Math.random() }))
      .sort((a, b) => a.r - b.r)
      .map(({ p }) => p)
  }

  async #syncRandom(): Promise<void> {
    if (this.#active >= this.#o.maxSessions) return
    const idle = (await this.#candidates()).filter((p) => !this.#sessions.has(p.toString()))
    if (idle[0]) await this.syncWith(idle[0], 'periodic').catch(() => {})
  }
}
