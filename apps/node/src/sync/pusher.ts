import type { Stream } from '@libp2p/interface'
import { readFrames, writeFrames } from '../p2p/frames.ts'
import type { SyncContext } from './context.ts'
import { IdFeed } from './id-feed.ts'

/** Envelopes read from the store per write. */
const BATCH = 256

/**
 * The dialer's side of `/push/1.0.0`: sends the envelopes of ids the peer
 * lacks, as reconciliation finds them, then waits for the peer to have
 * ingested them all (it closes its side when done).
 */
export class Pusher {
  readonly #ctx: SyncContext
  readonly #open: () => Promise<Stream>
  readonly #feed = new IdFeed(() => this.#loop())
  /** Envelopes sent so far. */
  sent = 0

  constructor(ctx: SyncContext, open: () => Promise<Stream>) {
    this.#ctx = ctx
    this.#open = open
  }

  add(ids: Uint8Array[]): void {
    this.#feed.add(ids)
  }

  finish(): Promise<void> {
    return this.#feed.close()
  }

  async #loop(): Promise<void> {
    const stream = await this.#open()
    try {
      for (let ids = await this.#feed.take(BATCH); ids; ids = await this.#feed.take(BATCH)) {
        // An id removed since reconciliation is simply not sent.
        const envelopes = (await this.#ctx.store.getMessages(ids)).filter(
          (e): e is Uint8Array => e !== undefined,
        )
        await writeFrames(stream, envelopes)
        this.sent += envelopes.length
      }
      await stream.close()
      // The peer closes its side once it has ingested everything; it sends nothing.
      for await (const _ of readFrames(stream, 0)) {
      }
    } catch (error) {
      stream.abort(error as Error)
      throw error
    }
  }
}
