import type { IngestResult } from '../pipeline/ingest.ts'

/**
 * Feeds a session's messages to the ingest pipeline with at most `size`
 * unanswered, so a fast peer cannot queue without bound. The first failure
 * `check` reports is kept and thrown by `wait`/`drain`.
 */
export class IngestWindow {
  readonly #size: number
  #pending = 0
  #space: (() => void) | undefined
  #idle: (() => void) | undefined
  #failure: unknown

  constructor(size: number) {
    this.#size = size
  }

  get failure(): unknown {
    return this.#failure
  }

  /** Waits for room, then starts `work`; `check` turns its result into an error or null. */
  async add(
    work: () => Promise<IngestResult>,
    check: (result: IngestResult) => Error | null,
  ): Promise<void> {
    while (this.#pending >= this.#size) {
      await new Promise<void>((resolve) => {
        this.#space = resolve
      })
    }
    this.#throwIfFailed()
    this.#pending++
    work()
      .then(check, (error: unknown) => error)
      .then((error) => {
        if (error && this.#failure === undefined) this.#failure = error
        this.#pending--
        const space = this.#space
        this.#space = undefined
        space?.()
        if (this.#pending === 0) this.#idle?.()
      })
  }

  /** Resolves when every message added has its answer; throws the first failure. */
  async drain(): Promise<void> {
    if (this.#pending > 0) {
      await new Promise<void>((resolve) => {
        this.#idle = resolve
      })
    }
    this.#throwIfFailed()
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure
  }
}
