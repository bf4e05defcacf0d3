/**
 * Every protocol limit in one place. Changing one of these changes which
 * messages are valid, so it is a protocol change (see docs/PROTOCOL.md §Limits).
 */

/** Protocol version carried in every MessageData. */
export const PROTOCOL_VERSION = 1

/** Largest encoded envelope (data + signer + signature), in bytes. */
export const MAX_MESSAGE_BYTES = 4096

/** Deepest nesting of arrays and maps in any CBOR structure (valid messages use 3). */
export const MAX_CBOR_DEPTH = 8

/** Largest post text, in UTF-8 bytes. */
export const MAX_POST_TEXT_BYTES = 1024

/** Most embeds in one post. */
export const MAX_EMBEDS = 4

/** Longest embed URL, in UTF-8 bytes. */
export const MAX_EMBED_URL_BYTES = 256

/** Most mentions in one post. */
export const MAX_MENTIONS = 10

/** How far in the future a timestamp may be before it is refused (for now). */
export const MAX_FUTURE_SKEW_MS = 10 * 60 * 1000

/** No message may be older than the protocol: 2025-01-01T00:00:00Z. */
export const MIN_TIMESTAMP_MS = Date.UTC(2025, 0, 1)

/** Timestamps are integers in milliseconds that fit a JS number exactly. */
export const MAX_TIMESTAMP_MS = Number.MAX_SAFE_INTEGER

/** Profile fields and the largest value of each, in UTF-8 bytes. */
export const PROFILE_FIELD_LIMITS = {
  name: 64,
  bio: 256,
  avatar: 256,
  url: 256,
} as const

/** Reaction kinds. */
export const REACTION_KINDS = ['like', 'repost'] as const

/** Capabilities a delegated signer may be granted. */
export const SIGNER_SCOPES = ['social', 'transfer'] as const

/** Bytes in an account (Ed25519 public key), a message id, a signature, a network id. */
export const PUBLIC_KEY_BYTES = 32
export const SECRET_KEY_BYTES = 32
export const ID_BYTES = 32
export const SIGNATURE_BYTES = 64
export const NETWORK_ID_BYTES = 16

/** Kinds of token transfer. A reward is minted by the issuer, within the supply cap. */
export const TRANSFER_KINDS = ['payment', 'tip', 'purchase', 'reward'] as const

/** Largest transfer amount, in base units (an unsigned 64-bit integer). */
export const MAX_TRANSFER_AMOUNT = 2n ** 64n - 1n

/** Longest transfer memo, in UTF-8 bytes. */
export const MAX_MEMO_BYTES = 256

/** Largest encoded signed transfer order, in bytes. */
export const MAX_ORDER_BYTES = 1024

/** Most validators in a committee (bounds a certificate's size). */
export const MAX_COMMITTEE = 256

/** Largest encoded certificate: an order and a vote per validator. */
export const MAX_CERTIFICATE_BYTES = MAX_ORDER_BYTES + 16 + MAX_COMMITTEE * 104

/** Most certificates in one gossiped batch. */
export const MAX_CERTIFICATE_BATCH = 256

/** Largest encoded certificate batch (gossip payload), in bytes. */
export const MAX_CERTIFICATE_BATCH_BYTES = 512 * 1024
