interface Pending<T> {
  item: T
  done: () => void
  failed: (error: unknown) => void
}

/**
 * Group commit: items that arrive while a group is being written go together
 * in the next one, in order. Each `add` resolves once its group is written
 * (or rejects with the group's error); one group is written at a time.
 */
export class GroupCommit<T> {
  readonly #write: (items: T[]) => Promise<void>
  #queue: Pending<T>[] = []
  #running: Promise<void> | undefined

  constructor(write: (items: T[]) => Promise<void>) {
    this.#write = write
  }

  add(item: T): Promise<void> {
    return new Promise((done, failed) => {
      this.#queue.push({ item, done, failed })
      this.#running ??= this.#run()
    })
  }

  /** Resolves when everything added so far is written. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running
  }

  async #run(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#queue
      this.#queue = []
      try {
        await this.#write(group.map((p) => p.item))
        for (const p of group) p.done()
      } catch (error) {
        for (const p of group) p.failed(error)
      }
    }
    this.#running = undefined
  }
}
