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
  /** Releases what the transport holds (connections). */
  close?(): Promise<void>
}
