import type { MessageFilter } from '@freebird/protocol'

/**
 * A query a node answers with envelopes (PROTOCOL.md §13.4). Byte fields are
 * raw ids and account keys; the client verifies every envelope it gets back.
 */
export type Query =
  | { q: 'message'; id: Uint8Array }
  | { q: 'posts'; author: Uint8Array; limit?: number; before?: number; beforeId?: Uint8Array }
  | { q: 'thread'; id: Uint8Array; limit?: number }
  | { q: 'profile'; author: Uint8Array }
  | { q: 'following'; author: Uint8Array; limit?: number }
  | { q: 'followers'; account: Uint8Array; limit?: number }
  | { q: 'signers'; author: Uint8Array }
  | { q: 'removal'; author: Uint8Array; id: Uint8Array }
  | { q: 'feed'; account: Uint8Array; limit?: number; before?: number; beforeId?: Uint8Array }

/** Which newly stored messages a subscription receives (PROTOCOL.md §13.5). */
export interface SubscribeFilter extends MessageFilter {
  /** Replay stored matches with a timestamp of at least this (ms) first. */
  since?: number
}

/** A node's verdict on a submitted envelope. */
export type SubmitAnswer =
  | { status: 'stored' | 'duplicate'; id: string }
  | { status: 'refused'; code: string; message: string }

/** A validator's answer to a transfer order: its vote (CBOR bytes), or why not. */
export type OrderAnswer =
  | { status: 'voted'; vote: Uint8Array }
  | { status: 'refused'; code: string; message: string }

/** A node's verdict on a pushed certificate. */
export type CertificateAnswer =
  | { status: 'stored' | 'duplicate' }
  | { status: 'refused'; code: string; message: string }

/** An account's balance as one node holds it; only `attestation` (a validator's signed statement) is evidence. */
export interface BalanceAnswer {
  /** Base units (below zero for a moment on a node that lacks a credit). */
  balance: bigint
  nextSeq: number
  /** CBOR bytes of the validator's signed balance attestation, when the node is a validator. */
  attestation?: Uint8Array
}

/** A page of a ledger list: newest first, before a timestamp (ms). */
export interface LedgerPage {
  limit?: number
  /** Only transfers signed before this time (ms). */
  before?: number
}

/**
 * What the client asks of one node. Every method may throw a `ClientError`:
 * `client.unavailable` when the node cannot be reached or fails, and
 * `client.node_lied` when what it sends is not even well-formed.
 */
export interface NodeTransport {
  /** The node's address as given (URL or multiaddr), for reports. */
  readonly name: string
  /** The node's network id (32 hex characters). */
  network(signal?: AbortSignal): Promise<string>
  /** Submits an envelope; resolves with the node's verdict. */
  submit(bytes: Uint8Array, signal?: AbortSignal): Promise<SubmitAnswer>
  /** The envelopes that answer a query. */
  query(query: Query, signal?: AbortSignal): Promise<Uint8Array[]>
  /**
   * Calls `onMessage` with each matching envelope until `signal` aborts
   * (then resolves) or the stream breaks (then rejects).
   */
  subscribe(
    filter: SubscribeFilter,
    onMessage: (bytes: Uint8Array) => void,
    signal: AbortSignal,
  ): Promise<void>
  /** The network's genesis file, as the exact bytes its id is the hash of. */
  genesis(signal?: AbortSignal): Promise<Uint8Array>
  /** Sends a signed transfer order; a validator answers its vote, another node `ledger.not_validator`. */
  order(bytes: Uint8Array, signal?: AbortSignal): Promise<OrderAnswer>
  /** Pushes a certificate; the node verifies and applies it. */
  certificate(bytes: Uint8Array, signal?: AbortSignal): Promise<CertificateAnswer>
  /** An account's balance, next seq and (from a validator) a signed attestation. */
  balance(account: Uint8Array, signal?: AbortSignal): Promise<BalanceAnswer>
  /** Certificates (bytes) of transfers from or to an account, newest first. */
  transfers(account: Uint8Array, page: LedgerPage, signal?: AbortSignal): Promise<Uint8Array[]>
  /** Certificates (bytes) of tips to a post, newest first. */
  tips(post: Uint8Array, page: LedgerPage, signal?: AbortSignal): Promise<Uint8Array[]>
  /** Releases what the transport holds (connections). */
  close?(): Promise<void>
}
