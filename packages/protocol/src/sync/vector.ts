import { compareItems, compareToBound, ID_SIZE, type SyncBound, type SyncItem } from './bound.ts'
import { IdSum } from './id-sum.ts'
import type { SyncStorage } from './storage.ts'

/** Items per stored prefix sum: a fingerprint adds at most this many ids twice. */
const STRIDE = 64

/**
 * An in-memory SyncStorage: items sorted once, ids packed in one buffer, and
 * a running sum every 64 items, so any range's fingerprint costs O(64).
 */
export class SyncVector implements SyncStorage {
  readonly #timestamps: Float64Array
  readonly #ids: Uint8Array
  readonly #prefix: IdSum[]

  /** Throws RangeError on a duplicate item, an id that is not 32 bytes, or a bad timestamp. */
  constructor(items: Iterable<SyncItem>) {
    const sorted = [...items].sort(compareItems)
    this.#timestamps = new Float64Array(sorted.length)
    this.#ids = new Uint8Array(sorted.length * ID_SIZE)
    sorted.forEach((item, i) => {
      if (item.id.length !== ID_SIZE) throw new RangeError('an id is 32 bytes')
      if (!Number.isSafeInteger(item.timestamp) || item.timestamp < 0)
        throw new RangeError(`bad timestamp ${item.timestamp}`)
      const prev = sorted[i - 1]
      if (prev && compareItems(prev, item) === 0) throw new RangeError('duplicate item')
      this.#timestamps[i] = item.timestamp
      this.#ids.set(item.id, i * ID_SIZE)
    })
    this.#prefix = [new IdSum()]
    const running = new IdSum()
    for (let i = 0; i < sorted.length; i++) {
      running.add(this.#ids, i * ID_SIZE)
      if ((i + 1) % STRIDE === 0) this.#prefix.push(new IdSum(running.words))
    }
  }

  size(): number {
    return this.#timestamps.length
  }

  getItem(index: number): SyncItem {
    if (!(index >= 0 && index < this.size())) throw new RangeError(`no item ${index}`)
    return {
      timestamp: this.#timestamps[index] as number,
      id: this.#ids.subarray(index * ID_SIZE, (index + 1) * ID_SIZE),
    }
  }

  iterate(begin: number, end: number, visit: (item: SyncItem, index: number) => boolean): void {
    this.#check(begin, end)
    for (let i = begin; i < end; i++) if (!visit(this.getItem(i), i)) return
  }

  findLowerBound(begin: number, end: number, bound: SyncBound): number {
    this.#check(begin, end)
    let lo = begin
    let hi = end
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareToBound(this.getItem(mid), bound) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  fingerprint(begin: number, end: number): Uint8Array {
    this.#check(begin, end)
    return this.#sumTo(end)
      .subtractSum(this.#sumTo(begin))
      .fingerprint(end - begin)
  }

  /** Sum of the ids of items 0..i-1. */
  #sumTo(i: number): IdSum {
    const block = Math.floor(i / STRIDE)
    const sum = new IdSum(this.#prefix[block]?.words)
    for (let k = block * STRIDE; k < i; k++) sum.add(this.#ids, k * ID_SIZE)
    return sum
  }

  #check(begin: number, end: number): void {
    if (!(begin >= 0 && begin <= end && end <= this.size())) throw new RangeError('bad range')
  }
}
