import cliProgress from 'cli-progress'
import type { Logger } from '../logger.ts'
import type { SessionStats } from './session.ts'

/** A session becomes a catch-up worth reporting once it needs this many messages. */
const CATCH_UP = 1_000
const LOG_EVERY_MS = 2_000

/**
 * Reports long catch-ups: a log line every 2 s, and a progress bar on
 * stderr when it is a terminal. Short sessions stay quiet.
 */
export class SyncProgress {
  readonly #log: Logger
  readonly #tty: boolean
  #bars: cliProgress.MultiBar | undefined
  readonly #sessions = new Map<
    string,
    { bar?: cliProgress.SingleBar; lastLog: number; lastFetched: number }
  >()

  constructor(log: Logger, tty = process.stderr.isTTY === true) {
    this.#log = log
    this.#tty = tty
  }

  update(stats: SessionStats): void {
    if (stats.need - stats.skipped < CATCH_UP) return
    const total = stats.need - stats.skipped
    let s = this.#sessions.get(stats.peer)
    if (!s) {
      s = { lastLog: 0, lastFetched: 0 }
      if (this.#tty) {
        this.#bars ??= new cliProgress.MultiBar(
          {
            format: 'sync {peer} [{bar}] {value}/{total} messages | {rate}/s',
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        )
        s.bar = this.#bars.create(total, 0, { peer: stats.peer.slice(-8), rate: 0 })
      }
      this.#sessions.set(stats.peer, s)
    }
    const now = Date.now()
    const rate = Math.round(stats.fetched / Math.max(0.001, (now - stats.startedAt) / 1000))
    s.bar?.setTotal(total)
    s.bar?.update(stats.fetched, { rate })
    if (now - s.lastLog >= LOG_EVERY_MS) {
      s.lastLog = now
      this.#log.info(
        { peer: stats.peer, fetched: stats.fetched, need: total, rounds: stats.rounds, rate },
        'sync catching up',
      )
    }
  }

  done(stats: SessionStats): void {
    const s = this.#sessions.get(stats.peer)
    if (!s) return
    this.#sessions.delete(stats.peer)
    if (s.bar) this.#bars?.remove(s.bar)
    if (this.#sessions.size === 0) {
      this.#bars?.stop()
      this.#bars = undefined
    }
  }
}
