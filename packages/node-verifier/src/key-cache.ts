/**
 * What a verifier works out once per signer key (an imported KeyObject, the
 * small-order verdict), kept for the most recent `size` keys: a key signs
 * many messages, and working it out again per message costs ~30%.
 */
export function keyCache<T>(size: number, build: (publicKey: Uint8Array) => T) {
  const cache = new Map<string, T>()
  return (publicKey: Uint8Array): T => {
    const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.length).toString(
      'latin1',
    )
    let entry = cache.get(id)
    if (entry === undefined) {
      entry = build(publicKey)
      // Map keeps insertion order: dropping the first key evicts the oldest.
      if (cache.size >= size) cache.delete(cache.keys().next().value as string)
      cache.set(id, entry)
    }
    return entry
  }
}
