import type { AccountState } from '@freebird/protocol/ledger'
import { Level } from 'level'
import type { Db, Sub } from '../store/db.ts'

type Bytes = Uint8Array
const OPTIONS = { keyEncoding: 'view', valueEncoding: 'view' } as const

/** The sublevels of the ledger's LevelDB (its own database, next to the message store's). */
export interface LedgerSublevels {
  /** order id -> certificate bytes: every certificate held, applied or buffered. */
  certificates: Sub
  /** timestamp(8) || order id -> '' (the reconciled set sync walks). */
  byTime: Sub
  /** account -> account record (balance, next seq, minted). */
  accounts: Sub
  /** from || seq(8) -> order id certified there. */
  slots: Sub
  /** from || seq(8) -> '' for certificates credited and not yet debited (a gap before them). */
  pending: Sub
  /** account || timestamp(8) || order id -> '' for transfers from or to the account. */
  history: Sub
  /** post id -> certified tip total (decimal text). */
  tips: Sub
  /** post id || timestamp(8) || order id -> '' for the tips to a post. */
  tipList: Sub
}

export async function openLedgerDb(path: string): Promise<{ db: Db; subs: LedgerSublevels }> {
  const db: Db = new Level<Bytes, Bytes>(path, OPTIONS)
  await db.open()
  const sub = (name: string): Sub => db.sublevel<Bytes, Bytes>(name, OPTIONS)
  return {
    db,
    subs: {
      certificates: sub('c'),
      byTime: sub('t'),
      accounts: sub('a'),
      slots: sub('s'),
      pending: sub('p'),
      history: sub('h'),
      tips: sub('r'),
      tipList: sub('q'),
    },
  }
}

/**
 * A validator's vote locks: from || seq(8) -> the signed order it voted for
 * there. Their own database, next to the validator key and apart from the
 * ledger's: rebuilding the ledger (deleting it, to sync it again) must not
 * let the validator vote twice at a (from, seq).
 */
export async function openLockDb(path: string): Promise<Db> {
  const db: Db = new Level<Bytes, Bytes>(path, OPTIONS)
  await db.open()
  return db
}

const text = new TextEncoder()
const untext = new TextDecoder()

/** Account records as JSON text: balances are bigints and may be transiently negative. */
export const encodeAccount = (a: AccountState): Uint8Array =>
  text.encode(JSON.stringify({ b: a.balance.toString(), n: a.nextSeq, m: a.minted.toString() }))

export function decodeAccount(bytes: Uint8Array): AccountState {
  const v = JSON.parse(untext.decode(bytes)) as { b: string; n: number; m: string }
  return { balance: BigInt(v.b), nextSeq: v.n, minted: BigInt(v.m) }
}

export const encodeAmount = (n: bigint): Uint8Array => text.encode(n.toString())
export const decodeAmount = (bytes: Uint8Array): bigint => BigInt(untext.decode(bytes))
