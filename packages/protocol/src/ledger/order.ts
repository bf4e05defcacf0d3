import { sha256 } from '@noble/hashes/sha2.js'
import { equalBytes, utf8, utf8Length } from '../bytes.ts'
import { encodeCanonical } from '../encoding.ts'
import { LedgerError } from '../errors.ts'
import type { Signer } from '../keys.ts'
import {
  ID_BYTES,
  MAX_MEMO_BYTES,
  MAX_ORDER_BYTES,
  MAX_TIMESTAMP_MS,
  MAX_TRANSFER_AMOUNT,
  MIN_TIMESTAMP_MS,
  NETWORK_ID_BYTES,
  PROTOCOL_VERSION,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  TRANSFER_KINDS,
} from '../limits.ts'
import { type Verifier, verifySignature } from '../signature.ts'
import type { TransferKind, TransferOrder, TransferOrderData } from './types.ts'
import { bytesOf, decodeLedger, fields, safeUintOf, uintOf, wireUint } from './wire.ts'

/** Domain tag of order ids: an order id is never another structure's hash. */
export const ORDER_ID_TAG = utf8('freebird/order/v1')

const DATA_FIELDS = ['amount', 'from', 'kind', 'network', 'seq', 'timestamp', 'to', 'version']
const OPTIONAL_FIELDS = ['memo', 'ref']

export const computeOrderId = (dataBytes: Uint8Array): Uint8Array =>
  sha256.create().update(ORDER_ID_TAG).update(dataBytes).digest()

/** Deterministic CBOR of the order data: the bytes that are hashed into the id. */
export function encodeOrderData(d: TransferOrderData): Uint8Array {
  return encodeCanonical({
    version: d.version,
    network: d.network,
    from: d.from,
    to: d.to,
    amount: wireUint(d.amount),
    seq: d.seq,
    kind: d.kind,
    timestamp: d.timestamp,
    ...(d.ref ? { ref: d.ref } : {}),
    ...(d.memo !== undefined ? { memo: d.memo } : {}),
  })
}

/** The rules on an order's values (shared by builders and receivers). */
export function checkOrderData(d: TransferOrderData, network?: Uint8Array): void {
  if (d.version !== PROTOCOL_VERSION)
    throw new LedgerError('ledger.version', `order version ${d.version} is not ${PROTOCOL_VERSION}`)
  if (network && !equalBytes(d.network, network))
    throw new LedgerError('ledger.network', 'the order is for another network')
  if (d.amount < 1n || d.amount > MAX_TRANSFER_AMOUNT)
    throw new LedgerError('ledger.amount', 'amount must be 1 to 2^64 - 1 base units')
  if (!(TRANSFER_KINDS as readonly string[]).includes(d.kind))
    throw new LedgerError('ledger.kind', `unknown transfer kind "${d.kind}"`)
  if (d.kind === 'tip' && !d.ref)
    throw new LedgerError('ledger.ref', 'a tip needs ref: the post id')
  if (d.memo !== undefined && (d.memo === '' || utf8Length(d.memo) > MAX_MEMO_BYTES))
    throw new LedgerError('ledger.memo', `memo must be 1 to ${MAX_MEMO_BYTES} UTF-8 bytes`)
  if (d.timestamp < MIN_TIMESTAMP_MS || d.timestamp > MAX_TIMESTAMP_MS)
    throw new LedgerError('ledger.timestamp', 'timestamp is before 2025 or past 2^53 - 1')
  if (equalBytes(d.from, d.to))
    throw new LedgerError('ledger.self_transfer', 'from and to are the same account')
  // Lengths the decoder checks on the way in; here for what a builder is given.
  if (d.network.length !== NETWORK_ID_BYTES)
    throw new LedgerError('ledger.encoding', `network must be ${NETWORK_ID_BYTES} bytes`)
  if (d.from.length !== PUBLIC_KEY_BYTES)
    throw new LedgerError('ledger.encoding', `from must be ${PUBLIC_KEY_BYTES} bytes`)
  if (d.to.length !== PUBLIC_KEY_BYTES)
    throw new LedgerError('ledger.encoding', `to must be ${PUBLIC_KEY_BYTES} bytes`)
  if (d.ref && d.ref.length !== ID_BYTES)
    throw new LedgerError('ledger.ref', `ref must be ${ID_BYTES} bytes`)
}

/** Decodes order data and checks its shape and values (not the signature). */
export function decodeOrderData(bytes: Uint8Array, network?: Uint8Array): TransferOrderData {
  const v = fields(decodeLedger(bytes, 'order'), DATA_FIELDS, OPTIONAL_FIELDS, 'order')
  if (typeof v.kind !== 'string') throw new LedgerError('ledger.encoding', 'kind must be text')
  if (v.memo !== undefined && typeof v.memo !== 'string')
    throw new LedgerError('ledger.encoding', 'memo must be text')
  const data: TransferOrderData = {
    version: safeUintOf(v.version, 'version', 'ledger.version'),
    network: bytesOf(v.network, NETWORK_ID_BYTES, 'network'),
    from: bytesOf(v.from, PUBLIC_KEY_BYTES, 'from'),
    to: bytesOf(v.to, PUBLIC_KEY_BYTES, 'to'),
    amount: uintOf(v.amount, 'amount', 'ledger.amount'),
    seq: safeUintOf(v.seq, 'seq', 'ledger.encoding'),
    kind: v.kind as TransferKind,
    timestamp: safeUintOf(v.timestamp, 'timestamp', 'ledger.timestamp'),
    ...(v.ref !== undefined ? { ref: bytesOf(v.ref, ID_BYTES, 'ref', 'ledger.ref') } : {}),
    ...(v.memo !== undefined ? { memo: v.memo as string } : {}),
  }
  checkOrderData(data, network)
  return data
}

/**
 * Decodes a signed order { order, signature }; checks size, encoding, values,
 * network and the sender's signature over the order id.
 */
export function decodeTransferOrder(
  bytes: Uint8Array,
  network?: Uint8Array,
  verify: Verifier = verifySignature,
): TransferOrder {
  const order = parseTransferOrder(bytes, network)
  verifyTransferOrder(order, verify)
  return order
}

/** decodeTransferOrder without the signature check (verifyTransferOrder does it). */
export function parseTransferOrder(bytes: Uint8Array, network?: Uint8Array): TransferOrder {
  if (bytes.length > MAX_ORDER_BYTES)
    throw new LedgerError(
      'ledger.too_large',
      `order is ${bytes.length} bytes; the limit is ${MAX_ORDER_BYTES}`,
    )
  const v = fields(decodeLedger(bytes, 'signed order'), ['order', 'signature'], [], 'signed order')
  const dataBytes = bytesOf(v.order, undefined, 'order')
  const signature = bytesOf(v.signature, SIGNATURE_BYTES, 'signature')
  const data = decodeOrderData(dataBytes, network)
  return { id: computeOrderId(dataBytes), data, dataBytes, signature, bytes }
}

/** Throws `ledger.signature` unless the sender signed the order id. */
export function verifyTransferOrder(
  order: TransferOrder,
  verify: Verifier = verifySignature,
): void {
  if (!verify(order.data.from, order.id, order.signature))
    throw new LedgerError('ledger.signature', 'the order signature does not verify for its sender')
}

/** What a sender fills in; version and network come from the options, timestamp defaults to now. */
export type TransferOrderInput = Omit<
  TransferOrderData,
  'version' | 'network' | 'from' | 'timestamp'
> & {
  timestamp?: number
}

/** Builds, checks and signs a transfer order with the sender's root key. */
export function buildTransferOrder(
  input: TransferOrderInput,
  options: { network: Uint8Array; signer: Signer },
): TransferOrder {
  const data: TransferOrderData = {
    version: PROTOCOL_VERSION,
    network: Uint8Array.from(options.network),
    from: Uint8Array.from(options.signer.publicKey),
    to: Uint8Array.from(input.to),
    amount: input.amount,
    seq: input.seq,
    kind: input.kind,
    timestamp: input.timestamp ?? Date.now(),
    ...(input.ref ? { ref: Uint8Array.from(input.ref) } : {}),
    ...(input.memo !== undefined ? { memo: input.memo } : {}),
  }
  checkOrderData(data, options.network)
  const dataBytes = encodeOrderData(data)
  const id = computeOrderId(dataBytes)
  const signature = options.signer.sign(id)
  const bytes = encodeCanonical({ order: dataBytes, signature })
  if (bytes.length > MAX_ORDER_BYTES)
    throw new LedgerError(
      'ledger.too_large',
      `order is ${bytes.length} bytes; the limit is ${MAX_ORDER_BYTES}`,
    )
  return { id, data, dataBytes, signature, bytes }
}
