import { Worker } from 'node:worker_threads'
import { createNodeVerifier } from '@freebird/node-verifier'
import type { Message } from '@freebird/protocol'

export interface VerifyPoolOptions {
  /** Worker threads. Default 2 (this machine's cores; the main thread mostly waits on LevelDB). */
  threads?: number
  /** Most signatures per batch sent to a worker. */
  maxBatch?: number
  /** Batches this small are checked on the calling thread when the workers are idle. */
  inlineMax?: number
}

/** Batches a worker may hold at once (the one it checks, and the next). */
const DEPTH = 2

interface Pending {
  resolve: (ok: boolean) => void
  reject: (error: unknown) => void
}

/**
 * Verifies signatures on worker threads, in batches. A worker with nothing to
 * do gets work at once (a lone message waits for nothing); while every worker
 * is busy, requests accumulate and go out as one batch when a worker frees
 * up, so under load one postMessage carries hundreds of signatures.
 */
export class VerifyPool {
  readonly #workers: { worker: Worker; inflight: number; seqs: Set<number>; sent: number }[] = []
  readonly #waiting = new Map<number, Pending[]>()
  #queue: { message: Message; pending: Pending }[] = []
  #scheduled = false
  #seq = 0
  readonly #maxBatch: number
  readonly #inlineMax: number
  readonly #inline = createNodeVerifier()

  constructor(options: VerifyPoolOptions = {}) {
    this.#maxBatch = options.maxBatch ?? 1024
    this.#inlineMax = options.inlineMax ?? 8
    const file = new URL(
      import.meta.url.endsWith('.ts') ? './verify-worker.ts' : './verify-worker.js',
      import.meta.url,
    )
    for (let i = 0; i < (options.threads ?? 2); i++) {
      const worker = new Worker(file)
      const slot = { worker, inflight: 0, seqs: new Set<number>(), sent: 0 }
      worker.on('message', ({ seq, verdicts }: { seq: number; verdicts: Uint8Array }) => {
        slot.inflight--
        slot.seqs.delete(seq)
        // A worker is free: what accumulated meanwhile goes out now, as one batch.
        this.#flush()
        const pending = this.#waiting.get(seq) ?? []
        this.#waiting.delete(seq)
        pending.forEach((p, j) => {
          p.resolve(verdicts[j] === 1)
        })
      })
      worker.on('error', (error) => {
        // A dead worker leaves the pool (its batches fail; later work goes to
        // the others, or is checked inline when none is left).
        for (const seq of slot.seqs) {
          for (const p of this.#waiting.get(seq) ?? []) p.reject(error)
          this.#waiting.delete(seq)
        }
        this.#workers.splice(this.#workers.indexOf(slot), 1)
        void worker.terminate()
      })
      this.#workers.push(slot)
    }
  }

  /** True when the message's signature is valid under the protocol rule. */
  verify(message: Message): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ message, pending: { resolve, reject } })
      if (!this.#scheduled) {
        // Let the rest of this tick's requests join the batch.
        this.#scheduled = true
        setImmediate(() => {
          this.#scheduled = false
          this.#flush()
        })
      }
    })
  }

  /** Sends queued work to idle workers (or to any worker once a full batch waits). */
  #flush(): void {
    // A handful of signatures costs less to check right here than one thread
    // hand-off (a wake-up costs ~0.2 ms of CPU on small VMs; a check ~0.06 ms).
    const small = this.#queue.length <= this.#inlineMax
    if (this.#workers.length === 0 || (small && this.#workers.every((w) => w.inflight === 0))) {
      for (const { message, pending } of this.#queue.splice(0)) {
        pending.resolve(this.#inline(message.signer, message.id, message.signature))
      }
      return
    }
    while (this.#queue.length > 0) {
      // Idle workers first, shared out among them (one batch for one worker
      // would leave the other cores waiting while it works through it). Else a
      // busy worker takes the next batch into its port (up to DEPTH), so it
      // never idles while this thread is busy elsewhere.
      const idle = this.#workers.filter((w) => w.inflight === 0)
      const targets = idle.length > 0 ? idle : this.#workers.filter((w) => w.inflight < DEPTH)
      if (targets.length === 0 && this.#queue.length < this.#maxBatch) return
      const share =
        targets.length > 1 ? Math.ceil(this.#queue.length / targets.length) : this.#queue.length
      const items = this.#queue.splice(0, Math.min(share, this.#maxBatch))
      const batch = new Uint8Array(items.length * 128)
      items.forEach(({ message }, i) => {
        batch.set(message.signer, i * 128)
        batch.set(message.id, i * 128 + 32)
        batch.set(message.signature, i * 128 + 64)
      })
      const slot = targets[0] ?? this.#workers.reduce((a, b) => (b.inflight < a.inflight ? b : a))
      const seq = this.#seq++
      this.#waiting.set(
        seq,
        items.map((i) => i.pending),
      )
      slot.inflight++
      slot.sent += items.length
      slot.seqs.add(seq)
      slot.worker.postMessage({ seq, batch }, [batch.buffer])
    }
  }

  /** Signatures sent to each worker so far (checked on this thread: not counted). */
  get sentPerWorker(): number[] {
    return this.#workers.map((w) => w.sent)
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map(({ worker }) => worker.terminate()))
  }
}
