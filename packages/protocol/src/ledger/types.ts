import type { TRANSFER_KINDS } from '../limits.ts'

export type TransferKind = (typeof TRANSFER_KINDS)[number]

/** The signed part of a transfer order. */
export interface TransferOrderData {
  version: number
  network: Uint8Array
  /** Sender account; it signs the order. */
  from: Uint8Array
  to: Uint8Array
  /** Integer base units, 1 to 2^64 - 1. */
  amount: bigint
  /** The sender's order number: 0, 1, 2, ... with no gaps. */
  seq: number
  kind: TransferKind
  /** What the transfer is for: a post id for a tip (required there), any 32-byte id otherwise. */
  ref?: Uint8Array
  memo?: string
  /** When the sender signed it (ms); orders sort by it in sync and history. */
  timestamp: number
}

/** A decoded, signature-checked transfer order with its exact bytes. */
export interface TransferOrder {
  /** SHA-256(ORDER_ID_TAG || dataBytes); the sender signs it. */
  id: Uint8Array
  data: TransferOrderData
  dataBytes: Uint8Array
  signature: Uint8Array
  /** The signed order as it travels: CBOR { order: dataBytes, signature }. */
  bytes: Uint8Array
}

/** A validator's signature on an order id: "I hold (from, seq) for this order". */
export interface Vote {
  order: Uint8Array
  validator: Uint8Array
  signature: Uint8Array
}

/** A signed order and votes whose weight reaches the committee's quorum. */
export interface Certificate {
  order: TransferOrder
  /** Sorted by validator key, one per validator. */
  votes: { validator: Uint8Array; signature: Uint8Array }[]
  /** CBOR { order: signed order bytes, votes: [[validator, signature], ...] }. */
  bytes: Uint8Array
}

/** What a validator states about an account, as of its own state. */
export interface BalanceStatement {
  network: Uint8Array
  account: Uint8Array
  balance: bigint
  nextSeq: number
}

export interface BalanceAttestation extends BalanceStatement {
  validator: Uint8Array
  signature: Uint8Array
  /** CBOR { data: statement bytes, signature, validator }. */
  bytes: Uint8Array
}
