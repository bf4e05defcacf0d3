import { ID_BYTES } from '@freebird/protocol'
import type { Stream } from '@libp2p/interface'
import { readFrames, writeFrame } from '../p2p/frames.ts'
import type { SyncContext } from './context.ts'
import { SyncSessionError } from './errors.ts'
import { IdFeed } from './id-feed.ts'
import { IngestWindow } from './ingest-window.ts'
import { MAX_ENVELOPE_FRAME, servedFault } from './responder.ts'

/** Requests sent ahead of the answers being read. */
const AHEAD = 2

/**
 * The dialer's side of `/fetch/1.0.0`: asks for ids in batches as
 * reconciliation finds them (two requests ahead), and feeds what comes back
 * to the ingest pipeline. An id the peer does not serve, a message that is
 * not the one asked for, or an invalid one is the peer's fault.
 */
export class Fetcher {
  readonly #ctx: SyncContext
  readonly #open: () => Promise<Stream>
  readonly #feed = new IdFeed(() => this.#loop())
  readonly #window: IngestWindow
  /** Envelopes received so far. */
  received = 0
  /** Ids asked for and answered with an empty frame. */
  withheld = 0

  constructor(ctx: SyncContext, open: () => Promise<Stream>) {
    this.#ctx = ctx
    this.#open = open
    this.#window = new IngestWindow(ctx.limits.ingestWindow)
  }

  add(ids: Uint8Array[]): void {
    this.#feed.add(ids)
  }

  /** Resolves once fewer than `below` ids wait to be asked for. */
  room(below: number): Promise<void> {
    return this.#feed.room(below)
  }

  /** No more ids: resolves once everything asked for is answered and ingested. */
  async finish(): Promise<void> {
    await this.#feed.close()
    if (this.withheld > 0) {
      throw new SyncSessionError(
        'sync.withheld',
        `the peer did not serve ${this.withheld} message(s) it had announced`,
      )
    }
  }

  async #loop(): Promise<void> {
    const { fetchBatch } = this.#ctx.limits
    const stream = await this.#open()
    const answers = readFrames(stream, MAX_ENVELOPE_FRAME)[Symbol.asyncIterator]()
    const asked: Uint8Array[][] = []
    const ask = async (batch: Uint8Array[]) => {
      const request = new Uint8Array(batch.length * ID_BYTES)
      batch.forEach((id, i) => {
        request.set(id, i * ID_BYTES)
      })
      await writeFrame(stream, request)
      asked.push(batch)
    }
    try {
      for (;;) {
        // Keep AHEAD requests out; wait for ids only when none is.
        while (asked.length < AHEAD) {
          const batch =
            asked.length === 0 ? await this.#feed.take(fetchBatch) : this.#feed.poll(fetchBatch)
          if (!batch || batch.length === 0) break
          await ask(batch)
        }
        const batch = asked.shift()
        if (!batch) break
        for (const id of batch) {
          const next = await answers.next()
          if (next.done) throw new SyncSessionError('sync.withheld', 'the fetch stream ended early')
          if (next.value.byteLength === 0) {
            this.withheld++
            continue
          }
          this.received++
          const envelope = next.value
          await this.#window.add(
            () => this.#ctx.ingest.submit(envelope, 'sync'),
            (result) => servedFault(result, id),
          )
        }
      }
      await stream.close()
      await this.#window.drain()
    } catch (error) {
      stream.abort(error as Error)
      throw error
    }
  }
}
