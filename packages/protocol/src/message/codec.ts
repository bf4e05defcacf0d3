import { decodeCanonical, encodeCanonical } from '../encoding.ts'
import { ValidationError } from '../errors.ts'
import {
  MAX_MESSAGE_BYTES,
  MAX_TIMESTAMP_MS,
  NETWORK_ID_BYTES,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
} from '../limits.ts'
import { expectBytes, expectFields, expectInteger, expectString } from './shape.ts'
import { MESSAGE_TYPES, type MessageData, type MessageType } from './types.ts'

/** The envelope as it travels: signed data bytes, the signing key, the signature. */
export interface Envelope {
  data: Uint8Array
  signer: Uint8Array
  signature: Uint8Array
}

const ENVELOPE_FIELDS = ['data', 'signer', 'signature'] as const
const DATA_FIELDS = ['version', 'network', 'type', 'author', 'timestamp', 'body'] as const

/** Deterministic CBOR of MessageData: the bytes that are hashed and signed. */
export function encodeMessageData(data: MessageData): Uint8Array {
  return encodeCanonical(data)
}

/** Deterministic CBOR of the envelope. */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return encodeCanonical({
    data: envelope.data,
    signer: envelope.signer,
    signature: envelope.signature,
  })
}

/** Decodes an envelope; checks size, encoding and shape (not the signature). */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  if (bytes.length > MAX_MESSAGE_BYTES) {
    throw new ValidationError(
      'too_large',
      `message is ${bytes.length} bytes; the limit is ${MAX_MESSAGE_BYTES}`,
    )
  }
  return readCanonicalEnvelope(bytes) ?? decodeEnvelopeSlow(bytes)
}

// The canonical envelope has one fixed layout: map(3), "data" bstr, "signer"
// bstr(32), "signature" bstr(64). Reading that layout directly skips a decode
// and a re-encode on the hot path; anything else goes through the generic
// strict decoder, which accepts exactly the same byte strings and names the error.
const DATA_KEY = Uint8Array.of(0xa3, 0x64, 0x64, 0x61, 0x74, 0x61)
const SIGNER_KEY = Uint8Array.of(0x66, 0x73, 0x69, 0x67, 0x6e, 0x65, 0x72, 0x58, 0x20)
const SIGNATURE_KEY = Uint8Array.of(
  0x69,
  0x73,
  0x69,
  0x67,
  0x6e,
  0x61,
  0x74,
  0x75,
  0x72,
  0x65,
  0x58,
  0x40,
)

function matchAt(bytes: Uint8Array, expected: Uint8Array, at: number): boolean {
  if (at + expected.length > bytes.length) return false
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false
  return true
}

/** The envelope if `bytes` are exactly its canonical layout, else null. */
export function readCanonicalEnvelope(bytes: Uint8Array): Envelope | null {
  if (!matchAt(bytes, DATA_KEY, 0)) return null
  let at = DATA_KEY.length
  const head = bytes[at] ?? 0
  let length: number
  if (head >= 0x40 && head <= 0x57) {
    length = head - 0x40
    at += 1
  } else if (head === 0x58 && (bytes[at + 1] ?? 0) >= 24) {
    length = bytes[at + 1] as number
    at += 2
  } else if (head === 0x59 && ((bytes[at + 1] ?? 0) << 8) + (bytes[at + 2] ?? 0) >= 256) {
    length = ((bytes[at + 1] as number) << 8) + (bytes[at + 2] as number)
    at += 3
  } else {
    return null
  }
  const data = bytes.subarray(at, at + length)
  at += length
  if (!matchAt(bytes, SIGNER_KEY, at)) return null
  at += SIGNER_KEY.length
  const signer = bytes.subarray(at, at + PUBLIC_KEY_BYTES)
  at += PUBLIC_KEY_BYTES
  if (!matchAt(bytes, SIGNATURE_KEY, at)) return null
  at += SIGNATURE_KEY.length
  if (at + SIGNATURE_BYTES !== bytes.length) return null
  return { data, signer, signature: bytes.subarray(at) }
}

/** The generic strict path: decode, re-encode, compare, check the shape. */
export function decodeEnvelopeSlow(bytes: Uint8Array): Envelope {
  const value = decodeCanonical(bytes, 'envelope')
  const e = expectFields(value, ENVELOPE_FIELDS, [], 'invalid.envelope', 'envelope')
  if (!(e.data instanceof Uint8Array)) {
    throw new ValidationError('invalid.envelope', 'envelope data must be a byte string')
  }
  return {
    data: e.data,
    signer: expectBytes(e.signer, PUBLIC_KEY_BYTES, 'invalid.envelope', 'signer'),
    signature: expectBytes(e.signature, SIGNATURE_BYTES, 'invalid.envelope', 'signature'),
  }
}

/**
 * Decodes MessageData and checks its shape: every field present with the
 * right CBOR type and size, and a known type. The rules on values (version,
 * network, timestamp range, body) are checkMessageData's, shared with builders.
 */
export function decodeMessageData(bytes: Uint8Array): MessageData {
  const value = decodeCanonical(bytes, 'message data')
  const d = expectFields(value, DATA_FIELDS, [], 'invalid.data', 'message data')
  const version = expectInteger(d.version, 0, Number.MAX_SAFE_INTEGER, 'invalid.data', 'version')
  const network = expectBytes(d.network, NETWORK_ID_BYTES, 'invalid.data', 'network')
  const type = expectString(d.type, 'invalid.data', 'type')
  if (!(MESSAGE_TYPES as readonly string[]).includes(type)) {
    throw new ValidationError('invalid.type', `unknown message type "${type}"`)
  }
  const author = expectBytes(d.author, PUBLIC_KEY_BYTES, 'invalid.data', 'author')
  // Any unsigned integer decodes (a bigint past 2^53); its range is a rule of checkMessageData.
  if (typeof d.timestamp !== 'bigint')
    expectInteger(d.timestamp, 0, MAX_TIMESTAMP_MS, 'invalid.timestamp', 'timestamp')
  const timestamp = d.timestamp as number
  return {
    version,
    network,
    type: type as MessageType,
    author,
    timestamp,
    body: d.body,
  } as MessageData
}
