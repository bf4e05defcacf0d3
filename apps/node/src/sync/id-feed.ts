/**
 * Ids a session finds round by round, fed to a loop (fetch or push) that
 * starts with the first ids and ends once the feed is closed and drained.
 */
export class IdFeed {
  readonly #queue: Uint8Array[] = []
  #more: (() => void) | undefined
  #room: { below: number; resolve: () => void } | undefined
  #closed = false
  #run: Promise<void> | undefined
  readonly #loop: () => Promise<void>

  constructor(loop: () => Promise<void>) {
    this.#loop = loop
  }

  add(ids: Uint8Array[]): void {
    if (ids.length === 0) return
    this.#queue.push(...ids)
    if (!this.#run) {
      this.#run = this.#loop()
      // The loop's error is kept for `close`; unhandled, it would end the process.
      this.#run.catch(() => {})
    }
    this.#wake()
  }

  /** No more ids: resolves (or throws) when the loop ends. */
  async close(): Promise<void> {
    this.#closed = true
    this.#wake()
    await this.#run
  }

  /**
   * Resolves once fewer than `below` ids wait (or the loop has ended), so a
   * session does not run far ahead of its fetches and hold every id found.
   */
  async room(below: number): Promise<void> {
    if (this.#queue.length < below || !this.#run) return
    const ended = this.#run.then(
      () => {},
      () => {},
    )
    await Promise.race([
      ended,
      new Promise<void>((resolve) => {
        this.#room = { below, resolve }
      }),
    ])
    this.#room = undefined
  }

  /** Up to `max` ids, waiting for some; null once closed and drained. */
  async take(max: number): Promise<Uint8Array[] | null> {
    for (;;) {
      if (this.#queue.length > 0) return this.#taken(this.#queue.splice(0, max))
      if (this.#closed) return null
      await new Promise<void>((resolve) => {
        this.#more = resolve
      })
    }
  }

  /** Up to `max` ids if some are queued now (never waits). */
  poll(max: number): Uint8Array[] {
    return this.#taken(this.#queue.splice(0, max))
  }

  #taken(ids: Uint8Array[]): Uint8Array[] {
    if (this.#room && this.#queue.length < this.#room.below) this.#room.resolve()
    return ids
  }

  #wake(): void {
    const more = this.#more
    this.#more = undefined
    more?.()
  }
}
