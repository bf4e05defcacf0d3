import { EventEmitter } from 'node:events'
import {
  concatBytes as concat,
  decodeCanonical,
  equalBytes,
  fromHex,
  LedgerError,
  MAX_TRANSFER_AMOUNT,
  type Signer,
  toHex,
  type Verifier,
} from '@freebird/protocol'
import {
  type AccountState,
  type BalanceAttestation,
  type Certificate,
  computeOrderId,
  decodeTransferOrder,
  encodeVote,
  type LedgerParams,
  LedgerState,
  parseCertificate,
  signBalance,
  signVote,
  type TransferOrder,
  verifyCertificate,
  voteDigest,
} from '@freebird/protocol/ledger'
import type { Logger } from '../logger.ts'
import type { IngestResult } from '../pipeline/ingest.ts'
import type { Db } from '../store/db.ts'
import { prefixEnd, readU64, u64 } from '../store/keys.ts'
import type { SyncSet, SyncSink } from '../sync/context.ts'
import { SyncIndex } from '../sync/sync-index.ts'
import {
  decodeAccount,
  decodeAmount,
  encodeAccount,
  encodeAmount,
  type LedgerSublevels,
  openLedgerDb,
  openLockDb,
} from './ledger-db.ts'
import { LedgerWriter, type Op } from './ledger-writer.ts'
import { LockWriter } from './lock-writer.ts'
import { MemoVerifier } from './memo-verifier.ts'

export type LedgerSource = 'http' | 'libp2p' | 'gossip' | 'sync'

export interface LedgerOptions {
  params: LedgerParams
  /** Where a validator keeps its vote locks (required with `validator`). */
  locksPath?: string
  /** The node's validator key, when it is in the committee: it votes and attests. */
  validator?: Signer
  verify: Verifier
  log: Logger
  /** Called with every certificate's outcome, whatever its source (metrics). */
  onResult?: (result: IngestResult, source: LedgerSource) => void
  /** Called with every vote request's outcome: 'voted' or the refusal code (metrics). */
  onVote?: (outcome: string) => void
}

/** An account's balance as this node holds it. */
export interface BalanceAnswer {
  balance: bigint
  nextSeq: number
  /** This validator's signed statement of the same (absent on other nodes, and for a balance an attestation cannot state: below zero for a moment, or past 2^64 - 1). */
  attestation?: BalanceAttestation
}

const EMPTY = new Uint8Array(0)
const slotKey = (from: Uint8Array, seq: number) => concat(from, u64(seq))
const lockId = (from: Uint8Array, seq: number) => `${toHex(from)}/${seq}`

/**
 * The token ledger of one node: certificates verified and applied (LedgerState
 * in memory, persisted in LevelDB, one atomic batch per group of writes), the
 * certificate set for sync, and — on a validator — votes with their locks.
 * A submitter hears back only after its batch is written; a vote goes out
 * only after its lock is on disk (fsync'd), so a validator never votes twice
 * at one (from, seq), even across a crash.
 */
export class Ledger implements SyncSet, SyncSink {
  readonly params: LedgerParams
  readonly state: LedgerState
  readonly syncIndex: SyncIndex
  readonly events = new EventEmitter<{ applied: [Certificate, LedgerSource] }>()
  readonly #db: Db
  #lockDb: Db | undefined
  #lockWriter: LockWriter | undefined
  readonly #subs: LedgerSublevels
  readonly #o: LedgerOptions
  readonly #writer: LedgerWriter
  /** (from, seq) to the order id this validator voted for. */
  readonly #locks = new Map<string, Uint8Array>()
  /** Lock writes in flight, by (from, seq): a retry waits for the first. */
  readonly #lockWrites = new Map<string, Promise<void>>()
  readonly #memo: MemoVerifier

  private constructor(db: Db, subs: LedgerSublevels, options: LedgerOptions) {
    this.#db = db
    this.#subs = subs
    this.#o = options
    this.params = options.params
    this.state = new LedgerState(options.params)
    this.syncIndex = new SyncIndex(subs.byTime)
    this.#writer = new LedgerWriter(db, this.syncIndex)
    this.#memo = new MemoVerifier(options.verify)
  }

  static async open(path: string, options: LedgerOptions): Promise<Ledger> {
    const { db, subs } = await openLedgerDb(path)
    const ledger = new Ledger(db, subs, options)
    if (options.validator) {
      if (!options.locksPath) throw new Error('a validator needs a locksPath')
      ledger.#lockDb = await openLockDb(options.locksPath)
      ledger.#lockWriter = new LockWriter(ledger.#lockDb)
    }
    await ledger.#load()
    return ledger
  }

  get isValidator(): boolean {
    return !!this.#o.validator
  }

  get validatorKey(): Uint8Array | undefined {
    return this.#o.validator?.publicKey
  }

  async #load(): Promise<void> {
    const s = this.#subs
    const accounts: [string, AccountState][] = []
    for await (const [k, v] of s.accounts.iterator()) accounts.push([toHex(k), decodeAccount(v)])
    const slots: [string, number, Uint8Array][] = []
    for await (const [k, v] of s.slots.iterator())
      slots.push([toHex(k.subarray(0, 32)), readSeq(k), Uint8Array.from(v)])
    const tips: [string, bigint][] = []
    for await (const [k, v] of s.tips.iterator()) tips.push([toHex(k), decodeAmount(v)])
    this.state.restore(accounts, slots, tips)
    for await (const k of s.pending.keys()) {
      const id = this.state.slot(k.subarray(0, 32), readSeq(k))
      const bytes = id && (await s.certificates.get(id))
      // Verified when it was applied: only its fields are needed back.
      if (bytes) this.state.restorePending(parseCertificate(bytes, this.params))
    }
    // Locks at seqs already certified here are settled: only the open ones are kept in memory.
    if (this.#lockDb)
      for await (const [k, v] of this.#lockDb.iterator()) {
        const from = k.subarray(0, 32)
        const seq = readSeq(k)
        if (seq >= this.state.account(from).nextSeq && !this.state.slot(from, seq))
          this.#locks.set(lockId(from, seq), computeOrderIdOf(v))
      }
    await this.syncIndex.load()
  }

  async close(): Promise<void> {
    await this.#writer.idle()
    await this.#lockWriter?.idle()
    await this.#db.close()
    await this.#lockDb?.close()
  }

  // ----------------------------------------------------------------- certificates

  /**
   * Verifies and applies a certificate; resolves once it is on disk. A
   * certificate already held is a duplicate before any signature is checked.
   */
  async submit(bytes: Uint8Array, source: LedgerSource): Promise<IngestResult> {
    const result = await this.#submit(bytes, source)
    this.#o.onResult?.(result, source)
    return result
  }

  async #submit(bytes: Uint8Array, source: LedgerSource): Promise<IngestResult> {
    let certificate: Certificate
    try {
      certificate = parseCertificate(bytes, this.params)
      // Held already: a duplicate, before any signature is checked.
      const { from, seq } = certificate.order.data
      const held = this.state.slot(from, seq)
      if (held && equalBytes(held, certificate.order.id))
        return { status: 'duplicate', id: certificate.order.id }
      verifyCertificate(certificate, this.params, this.#memo.verify)
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error
      return refusal(error)
    }
    const result = this.state.apply(certificate)
    const id = certificate.order.id
    if (result.status === 'duplicate') return { status: 'duplicate', id }
    if (result.status === 'conflict') {
      this.#o.log.error(
        { order: toHex(id), existing: toHex(result.existing) },
        'two certificates for one (from, seq): more than f validators are faulty',
      )
      return refusal(
        new LedgerError('ledger.conflicting_certificate', 'another order is certified at this seq'),
        id,
      )
    }
    const s = this.#subs
    const d = certificate.order.data
    const ops: Op[] = []
    const put = (sub: Op['sublevel'], key: Uint8Array, value: Uint8Array) =>
      ops.push({ type: 'put', sublevel: sub, key, value })
    const del = (sub: Op['sublevel'], key: Uint8Array) =>
      ops.push({ type: 'del', sublevel: sub, key })
    const timeKey = concat(u64(d.timestamp), id)
    put(s.certificates, id, certificate.bytes)
    put(s.byTime, timeKey, EMPTY)
    put(s.slots, slotKey(d.from, d.seq), id)
    put(s.history, concat(d.from, timeKey), EMPTY)
    put(s.history, concat(d.to, timeKey), EMPTY)
    if (d.kind === 'tip' && d.ref) {
      put(s.tips, d.ref, encodeAmount(this.state.tipsOf(d.ref)))
      put(s.tipList, concat(d.ref, timeKey), EMPTY)
    }
    for (const hex of result.touched)
      put(s.accounts, fromHex(hex), encodeAccount(this.state.account(hex)))
    if (result.status === 'buffered') put(s.pending, slotKey(d.from, d.seq), EMPTY)
    else {
      for (const c of result.debited) {
        const { from, seq } = c.order.data
        if (c !== certificate) del(s.pending, slotKey(from, seq))
        // Settled: the certificate holds the slot now. (The lock stays on disk.)
        this.#locks.delete(lockId(from, seq))
      }
    }
    await this.#writer.write(ops, { added: [timeKey] })
    this.events.emit('applied', certificate, source)
    return { status: 'stored', id }
  }

  // ----------------------------------------------------------------- votes

  /**
   * A validator's vote on a signed order: refused with a LedgerError for a
   * bad order, a wrong seq, too little balance, the supply cap, or another
   * order already locked at (from, seq); the same vote again for the same order.
   */
  async vote(orderBytes: Uint8Array): Promise<Uint8Array> {
    try {
      const vote = await this.#vote(orderBytes)
      this.#o.onVote?.('voted')
      return vote
    } catch (error) {
      if (error instanceof LedgerError) this.#o.onVote?.(error.code)
      throw error
    }
  }

  async #vote(orderBytes: Uint8Array): Promise<Uint8Array> {
    const validator = this.#o.validator
    if (!validator) throw new LedgerError('ledger.not_validator', 'this node is not a validator')
    // Not through the memo: a retry would use up the entry its certificate needs.
    const order = decodeTransferOrder(orderBytes, this.params.network, this.#o.verify)
    const { from, seq } = order.data
    const same = (id: Uint8Array | undefined) => !!id && equalBytes(id, order.id)
    const certified = this.state.slot(from, seq)
    if (certified) {
      if (same(certified)) return this.#signVote(order.id, validator)
      throw conflicting(certified)
    }
    const locked = this.#locks.get(lockId(from, seq))
    if (locked) {
      if (!same(locked)) throw conflicting(locked)
      // Asked again (a retry): answer once the first answer's lock is on disk.
      await this.#lockWrites.get(lockId(from, seq))
      return this.#signVote(order.id, validator)
    }
    const refusal = this.state.checkOrder(order)
    if (refusal) throw refusal
    // The certificate brings the order back: its signature is known good then.
    this.#memo.remember(from, order.id, order.signature)
    const id = lockId(from, seq)
    this.#locks.set(id, order.id)
    // fsync'd (with the locks asked for meanwhile): it survives a power loss, not only a crash.
    const written = (this.#lockWriter as LockWriter).put(slotKey(from, seq), order.bytes)
    this.#lockWrites.set(id, written)
    try {
      await written
    } catch (error) {
      // Not on disk, so no vote went out: the slot is open again, and a retry
      // writes its lock anew (it must not find this lock and sign on it).
      this.#locks.delete(id)
      throw error
    } finally {
      this.#lockWrites.delete(id)
    }
    return this.#signVote(order.id, validator)
  }

  /** Signs a vote, and remembers it: the certificate brings it back to be checked. */
  #signVote(orderId: Uint8Array, validator: Signer): Uint8Array {
    const vote = signVote(orderId, validator)
    this.#memo.remember(vote.validator, voteDigest(orderId), vote.signature)
    return encodeVote(vote)
  }

  /** The order this validator locked at (from, seq), if any. */
  async lockedOrder(from: Uint8Array, seq: number): Promise<TransferOrder | undefined> {
    const bytes = await this.#lockDb?.get(slotKey(from, seq))
    return bytes ? decodeTransferOrder(bytes, this.params.network, this.#o.verify) : undefined
  }

  // ----------------------------------------------------------------- reads

  balance(account: Uint8Array): BalanceAnswer {
    const a = this.state.account(account)
    const answer: BalanceAnswer = { balance: a.balance, nextSeq: a.nextSeq }
    if (this.#o.validator && a.balance >= 0n && a.balance <= MAX_TRANSFER_AMOUNT) {
      answer.attestation = signBalance(
        { network: this.params.network, account, balance: a.balance, nextSeq: a.nextSeq },
        this.#o.validator,
      )
    }
    return answer
  }

  /** Certificates from or to `account`, newest first; `before` is a (timestamp, id) cursor key. */
  async transfers(
    account: Uint8Array,
    options: { limit: number; before?: Uint8Array },
  ): Promise<Uint8Array[]> {
    return this.#listed(this.#subs.history, account, options)
  }

  /** Certificates of tips to a post, newest first. */
  async tipsTo(
    post: Uint8Array,
    options: { limit: number; before?: Uint8Array },
  ): Promise<Uint8Array[]> {
    return this.#listed(this.#subs.tipList, post, options)
  }

  async #listed(
    sub: LedgerSublevels['history'],
    prefix: Uint8Array,
    options: { limit: number; before?: Uint8Array },
  ): Promise<Uint8Array[]> {
    const keys = await sub
      .keys({
        gte: prefix,
        lt: options.before ? concat(prefix, options.before) : prefixEnd(prefix),
        reverse: true,
        limit: options.limit,
      })
      .all()
    const ids = keys.map((k) => k.subarray(prefix.length + 8))
    const found = await this.getMessages(ids)
    return found.filter((b): b is Uint8Array => !!b)
  }

  certificate(id: Uint8Array): Promise<Uint8Array | undefined> {
    return this.#subs.certificates.get(id)
  }

  getMessages(ids: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.#subs.certificates.getMany(ids)
  }

  /** Nothing leaves the certificate set. */
  async goneOf(_ids: Uint8Array[]): Promise<Set<number>> {
    return new Set()
  }

  /** The certificate set's size and fingerprint (equal on two nodes exactly when they hold the same set). */
  async summary(): Promise<{ certificates: number; root: string }> {
    return this.syncIndex.read(async (view) => {
      const n = await view.size()
      return { certificates: n, root: toHex(await view.fingerprint(0, n)) }
    })
  }
}

/** The seq of a from(32) || seq(8) key. */
const readSeq = (key: Uint8Array) => readU64(key, 32)

function computeOrderIdOf(signedOrder: Uint8Array): Uint8Array {
  const signed = decodeCanonical(signedOrder, 'order') as { order: Uint8Array }
  return computeOrderId(signed.order)
}

const conflicting = (id: Uint8Array) =>
  new LedgerError(
    'ledger.conflicting_order',
    `another order (${toHex(id)}) holds this seq: sign no other order at it; retry that one`,
  )

function refusal(error: LedgerError, id?: Uint8Array): IngestResult {
  return {
    status: error.action === 'reject' ? 'rejected' : 'ignored',
    code: error.code,
    message: error.message,
    ...(id ? { id } : {}),
  }
}
