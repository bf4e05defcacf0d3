import { nodeSha256 } from '@freebird/node-verifier'
import {
  AUTHORIZATION_CODES,
  checkNotFuture,
  decodeMessage,
  type Message,
  ValidationError,
} from '@freebird/protocol'
import type { ApplyOutcome, MessageStore } from '../store/message-store.ts'

/** Where a message came from (for metrics, and so gossip does not echo its own input). */
export type IngestSource = 'http' | 'libp2p' | 'gossip' | 'sync' | 'parked'

export type IngestResult =
  | { status: 'stored'; id: Uint8Array }
  | { status: 'duplicate'; id: Uint8Array }
  /** Not stored, may be valid later (future timestamp, unknown delegated key...). */
  | { status: 'ignored'; code: string; message: string; id?: Uint8Array }
  /** Invalid forever. */
  | { status: 'rejected'; code: string; message: string; id?: Uint8Array }

/**
 * Whether a result blames whoever sent the message (gossip penalizes, sync
 * counts a fault): an invalid message does; one refused only by the author's
 * signer set here does not, since an honest sender may not have the
 * signer.remove yet.
 */
export function blamesSender(result: IngestResult): boolean {
  return result.status === 'rejected' && !(result.code in AUTHORIZATION_CODES)
}

export interface IngestOptions {
  store: MessageStore
  network: Uint8Array
  /** Signature check off the event loop (see VerifyPool). */
  verify: (message: Message) => Promise<boolean>
  /** Messages admitted and not yet answered; more submitters wait (never refused). */
  maxInflight?: number
  /** Most messages per store batch. */
  maxGroup?: number
  now?: () => number
  /** Called after a message's batch is written. */
  onStored?: (message: Message, source: IngestSource) => void
  /** Called with every result. */
  onResult?: (result: IngestResult, source: IngestSource, message?: Message) => void
}

interface Entry {
  message: Message
  source: IngestSource
  verdict?: boolean
  /** The check itself failed (not the signature): the message is not judged. */
  verifyFailed?: boolean
  verified: Promise<void>
  resolve: (result: IngestResult) => void
}

/**
 * The validation pipeline: decode and stateless checks here, signatures on the
 * verify pool, then one writer that applies messages in groups, in the order
 * they were submitted (a signer.add is never overtaken by the posts it
 * authorizes). A submit resolves only after its message's batch is on disk.
 * Load shedding delays (bounded admission), it never refuses a valid message.
 */
export class Ingest {
  readonly #o: Required<Omit<IngestOptions, 'onStored' | 'onResult'>> &
    Pick<IngestOptions, 'onStored' | 'onResult'>
  readonly #queue: Entry[] = []
  readonly #inflightIds = new Map<string, Promise<IngestResult>>()
  readonly #admissionWaiters: (() => void)[] = []
  #inflight = 0
  #writing = false
  #closed = false

  constructor(options: IngestOptions) {
    this.#o = { maxInflight: 20_000, maxGroup: 1_000, now: Date.now, ...options }
  }

  get inflight(): number {
    return this.#inflight
  }

  async submit(bytes: Uint8Array, source: IngestSource): Promise<IngestResult> {
    while (this.#inflight >= this.#o.maxInflight && !this.#closed) {
      await new Promise<void>((resolve) => this.#admissionWaiters.push(resolve))
    }
    if (this.#closed) return STOPPING
    this.#inflight++
    let message: Message | undefined
    try {
      message = decodeMessage(bytes, { network: this.#o.network, sha256: nodeSha256 })
      checkNotFuture(message, this.#o.now())
    } catch (error) {
      this.#release()
      if (!(error instanceof ValidationError)) throw error
      const result: IngestResult = {
        status: error.action === 'reject' ? 'rejected' : 'ignored',
        code: error.code,
        message: error.message,
        ...(message ? { id: message.id } : {}),
      }
      this.#o.onResult?.(result, source, message)
      return result
    }
    // Same id and signature: the same envelope. (A forged copy of a message has
    // its id but not its signature, and must not share the real one's fate.)
    const key = latin1(message.id) + latin1(message.signature)
    const same = this.#inflightIds.get(key)
    if (same) {
      this.#release()
      const result = await same
      return result.status === 'stored' ? { status: 'duplicate', id: result.id } : result
    }
    const decoded = message
    const promise = new Promise<IngestResult>((resolve) => {
      const entry: Entry = {
        message: decoded,
        source,
        resolve,
        verified: this.#o.verify(decoded).then(
          (ok) => {
            entry.verdict = ok
          },
          () => {
            entry.verdict = false
            entry.verifyFailed = true
          },
        ),
      }
      this.#queue.push(entry)
      void this.#write()
    })
    this.#inflightIds.set(key, promise)
    const result = await promise
    this.#inflightIds.delete(key)
    this.#release()
    this.#o.onResult?.(result, source, decoded)
    return result
  }

  /**
   * Messages signed by a key whose signer.add has not arrived yet (gossip
   * paths can deliver them out of order) wait here, bounded, and are applied
   * again when that signer.add is stored. Their signatures are already checked.
   */
  readonly #parked = new Map<string, Message[]>()
  #parkedCount = 0

  #park(message: Message): void {
    if (this.#parkedCount >= MAX_PARKED) {
      // Full: forget the oldest key's messages (they can still come again later).
      const [oldest, list] = this.#parked.entries().next().value as [string, Message[]]
      this.#parked.delete(oldest)
      this.#parkedCount -= list.length
    }
    const key = latin1(message.data.author) + latin1(message.signer)
    const list = this.#parked.get(key)
    if (list) list.push(message)
    else this.#parked.set(key, [message])
    this.#parkedCount++
  }

  #retryParked(add: Message<'signer.add'>): void {
    const key = latin1(add.data.author) + latin1(add.data.body.key)
    const list = this.#parked.get(key)
    if (!list) return
    this.#parked.delete(key)
    this.#parkedCount -= list.length
    for (const message of list) {
      this.#queue.push({
        message,
        source: 'parked',
        verdict: true,
        verified: Promise.resolve(),
        resolve: () => {},
      })
    }
  }

  #release(): void {
    this.#inflight--
    this.#admissionWaiters.shift()?.()
  }

  /** The single writer: applies verified messages in submission order, in groups. */
  async #write(): Promise<void> {
    if (this.#writing) return
    this.#writing = true
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        await (this.#queue[0] as Entry).verified
        let n = 0
        while (
          n < this.#queue.length &&
          n < this.#o.maxGroup &&
          this.#queue[n]?.verdict !== undefined
        )
          n++
        const group = this.#queue.splice(0, n)
        const valid = group.filter((e) => {
          if (e.verdict) return true
          if (e.verifyFailed) {
            e.resolve({
              status: 'ignored',
              code: 'node.verify_unavailable',
              message: 'the signature could not be checked now',
              id: e.message.id,
            })
            return false
          }
          e.resolve({
            status: 'rejected',
            code: 'invalid.signature',
            message: 'signature does not verify for the signer key',
            id: e.message.id,
          })
          return false
        })
        if (valid.length === 0) continue
        let outcomes: ApplyOutcome[]
        try {
          outcomes = await this.#o.store.applyGroup(valid.map((e) => e.message))
        } catch (error) {
          for (const e of valid) {
            e.resolve({
              status: 'ignored',
              code: 'store.unavailable',
              message: String(error),
              id: e.message.id,
            })
          }
          continue
        }
        valid.forEach((e, i) => {
          const outcome = outcomes[i] as ApplyOutcome
          const id = e.message.id
          if (outcome.status === 'stored') {
            // A listener's failure (a subscriber, gossip) must not stop the writer.
            try {
              this.#o.onStored?.(e.message, e.source)
            } catch {}
            if (e.message.data.type === 'signer.add')
              this.#retryParked(e.message as Message<'signer.add'>)
          } else if (
            outcome.status === 'ignored' &&
            outcome.code === 'unauthorized.unknown_signer'
          ) {
            this.#park(e.message)
          }
          e.resolve(
            outcome.status === 'stored' || outcome.status === 'duplicate'
              ? { status: outcome.status, id }
              : { status: outcome.status, code: outcome.code, message: describe(outcome.code), id },
          )
        })
      }
    } finally {
      this.#writing = false
    }
  }

  /** Stops taking work; what is queued is answered as ignored (it may come again). */
  close(): void {
    this.#closed = true
    for (const e of this.#queue.splice(0)) e.resolve({ ...STOPPING, id: e.message.id })
    for (const wake of this.#admissionWaiters.splice(0)) wake()
  }
}

/** Most messages parked while they wait for their signer.add. */
const MAX_PARKED = 10_000

const STOPPING: IngestResult = {
  status: 'ignored',
  code: 'node.stopping',
  message: 'the node is stopping',
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

function describe(code: string): string {
  switch (code) {
    case 'post.removed':
      return 'the post was removed by its author'
    case 'unauthorized.unknown_signer':
      return 'the signing key is not (yet) a signer of the author'
    case 'unauthorized.signer_removed':
      return 'the signing key was removed by the author'
    case 'unauthorized.signer_expired':
      return 'the signing key had expired at the message timestamp'
    case 'unauthorized.signer_scope':
      return 'the signing key may not sign this message type'
    default:
      return code
  }
}
