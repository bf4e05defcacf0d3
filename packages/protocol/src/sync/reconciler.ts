import { equalBytes, toHex } from '../bytes.ts'
import { SyncError } from '../errors.ts'
import {
  type BoundState,
  ID_SIZE,
  infiniteBound,
  minimalBound,
  readBound,
  type SyncBound,
  writeBound,
  zeroBound,
} from './bound.ts'
import type { SyncStorage } from './storage.ts'
import { SyncReader, SyncWriter } from './varint.ts'

/** Negentropy protocol version 1. */
export const PROTOCOL_VERSION = 0x61
const MODE_SKIP = 0
const MODE_FINGERPRINT = 1
const MODE_ID_LIST = 2
const BUCKETS = 16
const FINGERPRINT_SIZE = 16
/** Room kept under the frame size limit for the closing fingerprint range. */
const FRAME_RESERVE = 200

export interface ReconcilerOptions {
  /** Largest message this side emits (0: unlimited; otherwise at least 4096). */
  frameSizeLimit?: number
  /**
   * This side initiated the session in an earlier round. Lets a fresh
   * Reconciler (over a fresh view of a changing set) handle a later round.
   */
  initiator?: boolean
}

export interface ReconcileResult {
  /** The next message to send; null when the initiator is done. */
  output: Uint8Array | null
  /** Ids the initiator has and the other side lacks (initiator only). */
  have: Uint8Array[]
  /** Ids the other side has and the initiator lacks (initiator only). */
  need: Uint8Array[]
}

/**
 * Range-Based Set Reconciliation, Negentropy protocol V1, byte for byte
 * (hoytech/negentropy, docs/negentropy-protocol-v1.md). The initiator calls
 * `initiate()`, sends the message, feeds each answer to `reconcile()` and
 * sends what it returns until that is null; the other side answers every
 * message with `reconcile()`. The set lives behind a SyncStorage.
 */
export class Reconciler {
  readonly #storage: SyncStorage
  readonly #frameSizeLimit: number
  #initiator = false

  constructor(storage: SyncStorage, options: ReconcilerOptions = {}) {
    const limit = options.frameSizeLimit ?? 0
    if (limit !== 0 && limit < 4096) throw new RangeError('frameSizeLimit is 0 or at least 4096')
    this.#storage = storage
    this.#frameSizeLimit = limit
    this.#initiator = options.initiator ?? false
  }

  get isInitiator(): boolean {
    return this.#initiator
  }

  async initiate(): Promise<Uint8Array> {
    if (this.#initiator) throw new Error('already initiated')
    this.#initiator = true
    const out = new SyncWriter()
    out.push(Uint8Array.of(PROTOCOL_VERSION))
    const size = await this.#storage.size()
    await this.#splitRange(0, size, infiniteBound(), out, { last: 0 })
    return out.finish()
  }

  /** Processes one message from the other side. Throws SyncError on a malformed one. */
  async reconcile(message: Uint8Array): Promise<ReconcileResult> {
    const have: Uint8Array[] = []
    const need: Uint8Array[] = []
    const query = new SyncReader(message)
    const full = new SyncWriter()
    full.push(Uint8Array.of(PROTOCOL_VERSION))

    const version = query.byte()
    if (version < 0x60 || version > 0x6f)
      throw new SyncError('sync.version', `not a negentropy message (version byte ${version})`)
    if (version !== PROTOCOL_VERSION) {
      if (this.#initiator)
        throw new SyncError('sync.version', `peer answers with protocol version ${version - 0x60}`)
      // The responder answers an unknown version with the one it speaks.
      return { output: full.finish(), have, need }
    }

    const storage = this.#storage
    const size = await storage.size()
    const inState: BoundState = { last: 0 }
    const outState: BoundState = { last: 0 }
    let prevBound = zeroBound()
    let prevIndex = 0
    let skip = false

    while (query.remaining > 0) {
      let o = new SyncWriter()
      const flushSkip = () => {
        if (!skip) return
        skip = false
        writeBound(o, prevBound, outState)
        o.varint(MODE_SKIP)
      }
      const currBound = readBound(query, inState)
      const mode = query.varint()
      const lower = prevIndex
      let upper = await storage.findLowerBound(prevIndex, size, currBound)

      if (mode === MODE_SKIP) {
        skip = true
      } else if (mode === MODE_FINGERPRINT) {
        const theirs = query.take(FINGERPRINT_SIZE)
        const ours = await storage.fingerprint(lower, upper)
        if (equalBytes(theirs, ours)) skip = true
        else {
          flushSkip()
          await this.#splitRange(lower, upper, currBound, o, outState)
        }
      } else if (mode === MODE_ID_LIST) {
        const count = query.varint()
        if (count * ID_SIZE > query.remaining)
          throw new SyncError('sync.malformed', 'id list longer than the message')
        if (this.#initiator) {
          const theirs = new Map<string, Uint8Array>()
          for (let i = 0; i < count; i++) {
            const id = query.take(ID_SIZE)
            theirs.set(toHex(id), id)
          }
          await storage.iterate(lower, upper, (item) => {
            if (!theirs.delete(toHex(item.id))) have.push(item.id.slice())
            return true
          })
          skip = true
          for (const id of theirs.values()) need.push(id.slice())
        } else {
          // The responder does not compare: it answers with all of its ids in the
          // range, as many as fit. (Walking the whole range here would cost a pass
          // over everything the peer lacks, every round of a long catch-up.)
          query.take(count * ID_SIZE)
          flushSkip()
          const ids = new SyncWriter()
          let n = 0
          let endBound: SyncBound = currBound
          await storage.iterate(lower, upper, (item, index) => {
            if (
              this.#frameSizeLimit &&
              full.length + ids.length > this.#frameSizeLimit - FRAME_RESERVE
            ) {
              endBound = item
              upper = index
              return false
            }
            ids.push(item.id)
            n++
            return true
          })
          writeBound(o, endBound, outState)
          o.varint(MODE_ID_LIST)
          o.varint(n)
          o.append(ids)
          full.append(o)
          o = new SyncWriter()
        }
      } else {
        throw new SyncError('sync.mode', `unknown range mode ${mode}`)
      }

      if (this.#frameSizeLimit && full.length + o.length > this.#frameSizeLimit - FRAME_RESERVE) {
        // Over the limit: stop here and cover the rest with one fingerprint.
        const rest = await storage.fingerprint(upper, size)
        writeBound(full, infiniteBound(), outState)
        full.varint(MODE_FINGERPRINT)
        full.push(rest)
        break
      }
      full.append(o)
      prevIndex = upper
      prevBound = currBound
    }

    const done = this.#initiator && full.length === 1
    return { output: done ? null : full.finish(), have, need }
  }

  async #splitRange(
    lower: number,
    upper: number,
    upperBound: SyncBound,
    o: SyncWriter,
    state: BoundState,
  ): Promise<void> {
    const storage = this.#storage
    const count = upper - lower
    if (count < BUCKETS * 2) {
      writeBound(o, upperBound, state)
      o.varint(MODE_ID_LIST)
      o.varint(count)
      await storage.iterate(lower, upper, (item) => {
        o.push(item.id.slice())
        return true
      })
      return
    }
    const perBucket = Math.floor(count / BUCKETS)
    const withExtra = count % BUCKETS
    let curr = lower
    for (let i = 0; i < BUCKETS; i++) {
      const size = perBucket + (i < withExtra ? 1 : 0)
      const fingerprint = await storage.fingerprint(curr, curr + size)
      curr += size
      const next =
        curr === upper
          ? upperBound
          : minimalBound(await storage.getItem(curr - 1), await storage.getItem(curr))
      writeBound(o, next, state)
      o.varint(MODE_FINGERPRINT)
      o.push(fingerprint)
    }
  }
}
