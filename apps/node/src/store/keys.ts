import { concatBytes as concat, type Message, utf8 } from '@freebird/protocol'

export { concat }

/**
 * Binary keys of the store's sublevels. Fixed-width parts first, so prefix
 * scans (all posts of an author, all replies of a post) are range reads and
 * big-endian timestamps sort in time order.
 */

/** 8-byte big-endian timestamp. */
export function u64(n: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(n))
  return out
}

export function readU64(bytes: Uint8Array, at = 0): number {
  // Two 32-bit halves, no BigInt: the sync index reads one per item it visits.
  const hi =
    (((bytes[at] as number) << 24) >>> 0) +
    (((bytes[at + 1] as number) << 16) |
      ((bytes[at + 2] as number) << 8) |
      (bytes[at + 3] as number))
  const lo =
    (((bytes[at + 4] as number) << 24) >>> 0) +
    (((bytes[at + 5] as number) << 16) |
      ((bytes[at + 6] as number) << 8) |
      (bytes[at + 7] as number))
  return hi * 2 ** 32 + lo
}

/** The first key after every key that starts with `prefix` (for range ends). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const end = Uint8Array.from(prefix) // a copy even when prefix is a Buffer (whose slice is a view)
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1
      return end.subarray(0, i + 1)
    }
  }
  return concat(prefix, Uint8Array.of(0xff))
}

const KIND = { profile: 1, reaction: 2, follow: 3, signer: 4, removal: 5 } as const

/**
 * Binary conflict key of a last-writer-wins message (profile, reaction,
 * follow, signer): the protocol's conflictKey, compactly. Posts have none:
 * their removals live in tombstones.
 */
export function lwwKey(m: Message): Uint8Array | null {
  const d = m.data
  switch (d.type) {
    case 'profile.set':
      return concat(Uint8Array.of(KIND.profile), d.author, utf8(d.body.field))
    case 'reaction.add':
    case 'reaction.remove':
      return concat(Uint8Array.of(KIND.reaction), d.author, d.body.target, utf8(d.body.kind))
    case 'follow.add':
    case 'follow.remove':
      return concat(Uint8Array.of(KIND.follow), d.author, d.body.target)
    case 'signer.add':
    case 'signer.remove':
      return signerKey(d.author, d.body.key)
    default:
      return null
  }
}

export function signerKey(author: Uint8Array, key: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(KIND.signer), author, key)
}

export function profileKey(author: Uint8Array, field: string): Uint8Array {
  return concat(Uint8Array.of(KIND.profile), author, utf8(field))
}

export function followKey(author: Uint8Array, target: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(KIND.follow), author, target)
}

/** Candidate-row prefix of the removals of one post (author, target), to recompute its tombstone. */
export function tombstoneKey(author: Uint8Array, target: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(KIND.removal), author, target)
}
