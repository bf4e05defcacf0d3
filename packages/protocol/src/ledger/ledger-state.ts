import { compareBytes, toHex } from '../bytes.ts'
import { LedgerError } from '../errors.ts'
import { isIssuer } from './certificate.ts'
import type { LedgerParams } from './committee.ts'
import type { Certificate, TransferOrder } from './types.ts'

export interface AccountState {
  balance: bigint
  nextSeq: number
  /** Rewards minted so far (the issuer's account only). */
  minted: bigint
}

/** What applying one certificate did. */
export type ApplyResult =
  /** Credited, and the sender's debit done: for this one and any buffered ones it freed, in seq order. */
  | { status: 'applied'; debited: Certificate[]; touched: string[] }
  /** Credited; the debit waits for the sender's earlier seqs. */
  | { status: 'buffered'; touched: string[] }
  | { status: 'duplicate' }
  /** Another order holds (from, seq): more than f validators are faulty. Nothing changed. */
  | { status: 'conflict'; existing: Uint8Array }

const slotKey = (from: Uint8Array, seq: number) => `${toHex(from)}/${seq}`

/**
 * The token ledger as a deterministic function of a set of certificates, in
 * any arrival order: a recipient is credited as soon as a certificate
 * arrives; the sender is debited and its seq advanced in seq order, with
 * certificates past a gap buffered until the gap fills. A reward debits
 * nothing and counts against the issuer's supply cap. The same code decides
 * votes (`checkOrder`), so validators and appliers agree on the rules.
 */
export class LedgerState {
  readonly params: LedgerParams
  readonly #accounts = new Map<string, AccountState>()
  /** (from, seq) to the order id certified there. */
  readonly #slots = new Map<string, Uint8Array>()
  /** Buffered certificates by sender, by seq. */
  readonly #pending = new Map<string, Map<number, Certificate>>()
  readonly #tips = new Map<string, bigint>()

  constructor(params: LedgerParams) {
    this.params = params
  }

  /** An account's state; a never-seen account holds its allocation (or nothing). */
  account(key: Uint8Array | string): AccountState {
    const hex = typeof key === 'string' ? key : toHex(key)
    return (
      this.#accounts.get(hex) ?? {
        balance: this.params.allocations.get(hex) ?? 0n,
        nextSeq: 0,
        minted: 0n,
      }
    )
  }

  /** Accounts whose state differs from genesis. */
  accounts(): IterableIterator<[string, AccountState]> {
    return this.#accounts.entries()
  }

  /** Certified tips to a post (ref), in base units. */
  tipsOf(ref: Uint8Array | string): bigint {
    return this.#tips.get(typeof ref === 'string' ? ref : toHex(ref)) ?? 0n
  }

  /** The order certified at (from, seq), if any. */
  slot(from: Uint8Array, seq: number): Uint8Array | undefined {
    return this.#slots.get(slotKey(from, seq))
  }

  /** Buffered certificates (credited, not yet debited). */
  *pending(): IterableIterator<Certificate> {
    for (const bySeq of this.#pending.values()) yield* bySeq.values()
  }

  /** Sum of every balance: allocations + minted, once nothing is buffered. */
  totalBalance(): bigint {
    let sum = 0n
    for (const [hex, amount] of this.params.allocations) if (!this.#accounts.has(hex)) sum += amount
    for (const a of this.#accounts.values()) sum += a.balance
    return sum
  }

  /** Restores persisted state (a node's start-up): accounts, slots, tips; then re-buffer pending ones with `restorePending`. */
  restore(
    accounts: Iterable<[string, AccountState]>,
    slots: Iterable<[string, number, Uint8Array]>,
    tips: Iterable<[string, bigint]>,
  ): void {
    for (const [hex, a] of accounts) this.#accounts.set(hex, a)
    for (const [from, seq, id] of slots) this.#slots.set(`${from}/${seq}`, id)
    for (const [ref, total] of tips) this.#tips.set(ref, total)
  }

  restorePending(certificate: Certificate): void {
    const from = toHex(certificate.order.data.from)
    const bySeq = this.#pending.get(from) ?? new Map<number, Certificate>()
    this.#pending.set(from, bySeq)
    bySeq.set(certificate.order.data.seq, certificate)
  }

  /**
   * Why a validator must not vote for `order` now (its sender's next seq, its
   * balance or the supply cap), or undefined. The lock is the validator's own.
   */
  checkOrder(order: TransferOrder): LedgerError | undefined {
    const d = order.data
    const sender = this.account(d.from)
    if (d.seq !== sender.nextSeq)
      return new LedgerError(
        'ledger.wrong_seq',
        `the sender's next seq is ${sender.nextSeq}, not ${d.seq}`,
      )
    if (d.kind === 'reward') {
      if (!isIssuer(d.from, this.params))
        return new LedgerError('ledger.not_issuer', 'only the issuer mints rewards')
      if (sender.minted + d.amount > this.params.supplyCap)
        return new LedgerError(
          'ledger.supply_cap',
          `minting ${d.amount} would pass the supply cap of ${this.params.supplyCap} (${sender.minted} minted)`,
        )
      return undefined
    }
    if (sender.balance === 0n && d.seq === 0 && !this.#accounts.has(toHex(d.from)))
      return new LedgerError('ledger.unknown_account', 'the sender has never held tokens')
    if (sender.balance < d.amount)
      return new LedgerError(
        'ledger.insufficient_balance',
        `balance ${sender.balance} is less than ${d.amount}`,
      )
    return undefined
  }

  /** Applies a verified certificate (see the class comment). */
  apply(certificate: Certificate): ApplyResult {
    const d = certificate.order.data
    const key = slotKey(d.from, d.seq)
    const existing = this.#slots.get(key)
    if (existing) {
      return compareBytes(existing, certificate.order.id) === 0
        ? { status: 'duplicate' }
        : { status: 'conflict', existing }
    }
    this.#slots.set(key, certificate.order.id)
    const to = toHex(d.to)
    this.#update(to, (a) => {
      a.balance += d.amount
    })
    if (d.kind === 'tip' && d.ref) {
      const ref = toHex(d.ref)
      this.#tips.set(ref, (this.#tips.get(ref) ?? 0n) + d.amount)
    }
    const from = toHex(d.from)
    const touched = [to, from]
    if (d.seq !== this.account(from).nextSeq) {
      this.restorePending(certificate)
      return { status: 'buffered', touched }
    }
    const debited: Certificate[] = []
    const bySeq = this.#pending.get(from)
    for (let next: Certificate | undefined = certificate; next; ) {
      this.#debit(from, next)
      debited.push(next)
      const seq = this.account(from).nextSeq
      next = bySeq?.get(seq)
      bySeq?.delete(seq)
    }
    if (bySeq?.size === 0) this.#pending.delete(from)
    return { status: 'applied', debited, touched }
  }

  #debit(from: string, c: Certificate): void {
    const d = c.order.data
    this.#update(from, (a) => {
      if (d.kind === 'reward') a.minted += d.amount
      else a.balance -= d.amount
      a.nextSeq = d.seq + 1
    })
  }

  #update(hex: string, change: (a: AccountState) => void): void {
    const a = { ...this.account(hex) }
    change(a)
    this.#accounts.set(hex, a)
  }
}
