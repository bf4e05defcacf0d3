import type { Stream } from '@libp2p/interface'
import { readFrames, writeFrames } from '../p2p/frames.ts'
import type { SyncContext } from './context.ts'

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
  readonly #queue: Uint8Array[] = []
  #more: (() => void) | undefined
  #finished = false
  #run: Promise<void> | undefined
  /** Envelopes sent so far. */
  sent = 0

  constructor(ctx: SyncContext, open: () => Promise<Stream>) {
    this.#ctx = ctx
    this.#open = open
  }

  add(ids: Uint8Array[]): void {
    if (ids.length === 0) return
    this.#queue.push(...ids)
    this.#run ??= this.#loop()
    this.#run.catch(() => {})
    this.#wake()
  }

  async finish(): Promise<void> {
    this.#finished = true
    this.#wake()
    await this.#run
  }

  #wake(): void {
    const more = this.#more
    this.#more = undefined
    more?.()
  }

  async #loop(): Promise<void> {
    const stream = await this.#open()
    try {
      for (;;) {
        if (this.#queue.length === 0) {
          if (this.#finished) break
          await new Promise<void>((resolve) => {
            this.#more = resolve
          })
          continue
        }
        const ids = this.#queue.splice(0, BATCH)
        // An id removed since reconciliation is simply not sent.
        const envelopes = (await this.#ctx.store.getMessages(ids)).filter(
          (e): e is Uint8Array => e !== undefined,
        )
        await writeFrames(stream, envelopes)
        this.sent += envelopes.length
      }
      await stream.close()
      // The peer closes its side once it has ingested everything.
      for await (const _ of readFrames(stream, 0)) {
        // It sends nothing on this protocol.
      }
    } catch (error) {
      stream.abort(error as Error)
      throw error
    }
  }
}
