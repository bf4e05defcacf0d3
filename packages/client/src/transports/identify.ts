/**
 * The one thing the client needs from a node's libp2p identify answer: the
 * protocols it speaks, whose names carry the network id. Read here rather
 * than with @libp2p/identify, which brings signed peer records and a
 * protobuf runtime into a browser bundle (2.7 KB gzip) for one string list.
 */

/** libp2p's identify protocol: the node answers with length-prefixed protobuf `Identify` messages. */
export const IDENTIFY_PROTOCOL = '/ipfs/id/1.0.0'
/** How long a node may take to answer (what @libp2p/identify allows). */
export const IDENTIFY_TIMEOUT_MS = 5_000
/** Largest identify frame libp2p sends or accepts. */
export const IDENTIFY_MAX_FRAME = 8192

/** `Identify.protocols`: field 3, repeated string. */
const PROTOCOLS_FIELD = 3
const text = new TextDecoder()

/**
 * The `protocols` of one protobuf `Identify` message; every other field is
 * skipped by its wire type. Throws on a truncated or malformed message.
 */
export function identifyProtocols(message: Uint8Array): string[] {
  const protocols: string[] = []
  let at = 0
  const varint = (): number => {
    let value = 0
    // Up to 10 bytes (a uint64); the values used here (tags, lengths) are small.
    for (let shift = 0; shift < 70; shift += 7) {
      const byte = message[at++]
      if (byte === undefined) throw new Error('identify: truncated varint')
      value += (byte & 0x7f) * 2 ** shift
      if (byte < 0x80) return value
    }
    throw new Error('identify: varint longer than 10 bytes')
  }
  while (at < message.length) {
    const key = varint()
    const wireType = key % 8
    if (wireType === 0) varint()
    else if (wireType === 1) at += 8
    else if (wireType === 5) at += 4
    else if (wireType === 2) {
      const length = varint()
      const start = at
      at += length
      if (at <= message.length && Math.floor(key / 8) === PROTOCOLS_FIELD) {
        protocols.push(text.decode(message.subarray(start, at)))
      }
    } else throw new Error(`identify: unknown wire type ${wireType}`)
  }
  // A field that ran past the end (a fixed-size one, or bytes shorter than their length).
  if (at > message.length) throw new Error('identify: truncated field')
  return protocols
}
