import { equalBytes, toHex } from '../bytes.ts'
import { ValidationError } from '../errors.ts'
import {
  MAX_FUTURE_SKEW_MS,
  MAX_TIMESTAMP_MS,
  MIN_TIMESTAMP_MS,
  PROTOCOL_VERSION,
} from '../limits.ts'
import { type Verifier, verifySignature } from '../signature.ts'
import { checkBody } from './body.ts'
import { decodeEnvelope, decodeMessageData } from './codec.ts'
import { computeMessageId, type Sha256 } from './id.ts'
import type { Message, MessageData } from './types.ts'

export interface ValidateOptions {
  /** The network this node or client is on; messages of any other are invalid. */
  network: Uint8Array
  /** Current time in ms, for the future-timestamp check. Default: Date.now(). */
  now?: number
  /** Signature backend. Default: the reference `verifySignature` (noble). */
  verify?: Verifier
  /** SHA-256 for the message id. Default: noble's. */
  sha256?: Sha256
}

export type ValidationResult =
  | { ok: true; message: Message }
  | { ok: false; error: ValidationError }

/** Stateless rules on decoded data; shared by the validator and the builders. */
export function checkMessageData(data: MessageData, signer: Uint8Array, network: Uint8Array): void {
  if (data.version !== PROTOCOL_VERSION) {
    throw new ValidationError(
      'invalid.version',
      `unsupported version ${data.version} (this implementation speaks ${PROTOCOL_VERSION})`,
    )
  }
  if (!equalBytes(data.network, network)) {
    throw new ValidationError(
      'invalid.network',
      `message is for network ${toHex(data.network)}, not ${toHex(network)}`,
    )
  }
  const t = data.timestamp
  if (
    typeof t !== 'number' ||
    !Number.isInteger(t) ||
    t < MIN_TIMESTAMP_MS ||
    t > MAX_TIMESTAMP_MS
  ) {
    throw new ValidationError(
      'invalid.timestamp',
      `timestamp must be an integer number of ms in [${MIN_TIMESTAMP_MS}, ${MAX_TIMESTAMP_MS}]`,
    )
  }
  checkBody(data)
  // Only the root key manages signers: a delegated key can never mint or revoke keys.
  if (
    (data.type === 'signer.add' || data.type === 'signer.remove') &&
    !equalBytes(signer, data.author)
  ) {
    throw new ValidationError('unauthorized.signer', `${data.type} must be signed by the root key`)
  }
}

/**
 * Decodes a message and checks every stateless rule except the signature, in
 * this order: size, envelope encoding and shape, data encoding and shape
 * (fields, type known), then version, network, timestamp range, body, and
 * that signer.* is root-signed. Throws ValidationError. The node uses this to
 * move signature checks elsewhere (worker threads); others want validateMessage.
 */
export function decodeMessage(
  input: Uint8Array,
  options: { network: Uint8Array; sha256?: Sha256 },
): Message {
  // A private copy: the message's fields are views into it, so a caller that
  // reuses its receive buffer cannot change a message after its id is computed.
  const bytes = new Uint8Array(input)
  const envelope = decodeEnvelope(bytes)
  const data = decodeMessageData(envelope.data)
  checkMessageData(data, envelope.signer, options.network)
  return {
    id: computeMessageId(envelope.signer, envelope.data, options.sha256),
    data,
    dataBytes: envelope.data,
    signer: envelope.signer,
    signature: envelope.signature,
    bytes,
  } as Message
}

/** True when the message's signature is valid for its signer key. */
export function hasValidSignature(message: Message, verify: Verifier = verifySignature): boolean {
  return verify(message.signer, message.id, message.signature)
}

/** Throws `invalid.timestamp_future` when the message is too far ahead of `now`. */
export function checkNotFuture(message: Message, now: number): void {
  if (message.data.timestamp > now + MAX_FUTURE_SKEW_MS) {
    throw new ValidationError(
      'invalid.timestamp_future',
      `timestamp is ${message.data.timestamp - now} ms in the future (limit ${MAX_FUTURE_SKEW_MS} ms)`,
    )
  }
}

/**
 * The one validation function: bytes in, the decoded message or a typed error
 * out. Runs decodeMessage's checks, then the signature, then the
 * future-timestamp limit (last, so an invalid message is always `reject`ed,
 * never merely `ignore`d). Delegated-signer
 * authorization depends on the author's signer set: see `authorizeSigner`.
 */
export function validateMessage(bytes: Uint8Array, options: ValidateOptions): ValidationResult {
  try {
    const message = decodeMessage(bytes, options)
    if (!hasValidSignature(message, options.verify)) {
      throw new ValidationError('invalid.signature', 'signature does not verify for the signer key')
    }
    checkNotFuture(message, options.now ?? Date.now())
    return { ok: true, message }
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, error }
    throw error
  }
}
