import { Worker } from 'node:worker_threads'
import type { Message } from '@freebird/protocol'

export interface VerifyPoolOptions {
  /** Worker threads. Default 2 (this machine's cores; the main thread mostly waits on LevelDB). */
  threads?: number
  /** Most signatures per batch sent to a worker. */
  maxBatch?: number
}

interface Pending {
  resolve: (ok: boolean) => void
  reject: (error: unknown) => void
}

/**
 * Verifies signatures on worker threads, in batches: one postMessage per up to
 * `maxBatch` signatures keeps the messaging cost per signature small. Batches
 * go to the worker with the least outstanding work; a batch is sent as soon as
 * the main thread is idle (setImmediate), so a lone message waits for nothing.
 */
export class VerifyPool {
  readonly #workers: { worker: Worker; inflight: number }[] = []
  readonly #waiting = new Map<number, Pending[]>()
  #queue: { message: Message; pending: Pending }[] = []
  #scheduled = false
  #seq = 0
  readonly #maxBatch: number

  constructor(options: VerifyPoolOptions = {}) {
    this.#maxBatch = options.maxBatch ?? 256
    const file = new URL(
      import.meta.url.endsWith('.ts') ? './verify-worker.ts' : './verify-worker.js',
      import.meta.url,
    )
    for (let i = 0; i < (options.threads ?? 2); i++) {
      const worker = new Worker(file)
      const slot = { worker, inflight: 0 }
      worker.on('message', ({ seq, verdicts }: { seq: number; verdicts: Uint8Array }) => {
        slot.inflight--
        const pending = this.#waiting.get(seq) ?? []
        this.#waiting.delete(seq)
        pending.forEach((p, j) => {
          p.resolve(verdicts[j] === 1)
        })
      })
      worker.on('error', (error) => {
        for (const list of this.#waiting.values()) for (const p of list) p.reject(error)
        this.#waiting.clear()
      })
      this.#workers.push(slot)
    }
  }

  /** True when the message's signature is valid under the protocol rule. */
  verify(message: Message): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ message, pending: { resolve, reject } })
      if (this.#queue.length >= this.#maxBatch) this.#flush()
      else if (!this.#scheduled) {
        this.#scheduled = true
        setImmediate(() => this.#flush())
      }
    })
  }

  #flush(): void {
    this.#scheduled = false
    while (this.#queue.length > 0) {
      const items = this.#queue.splice(0, this.#maxBatch)
      const batch = new Uint8Array(items.length * 128)
      items.forEach(({ message }, i) => {
        batch.set(message.signer, i * 128)
        batch.set(message.id, i * 128 + 32)
        batch.set(message.signature, i * 128 + 64)
      })
      const slot = this.#workers.reduce((a, b) => (b.inflight < a.inflight ? b : a))
      const seq = this.#seq++
      this.#waiting.set(
        seq,
        items.map((i) => i.pending),
      )
      slot.inflight++
      slot.worker.postMessage({ seq, batch }, [batch.buffer])
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map(({ worker }) => worker.terminate()))
  }
}
