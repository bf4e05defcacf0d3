import {
  compareBytes,
  compareToBound,
  IdSum,
  type SyncBound,
  type SyncItem,
  type SyncStorage,
} from '@freebird/protocol'
import type { Sub } from '../store/db.ts'
import { readU64 } from '../store/keys.ts'

/** Items per block: a block is read whole, and split in two above twice this. */
const BLOCK = 1024
const KEY = 40
/** Default budget of the block cache, in items (40 bytes each: 64 MiB). */
const CACHE_ITEMS = 1_600_000

/** A run of consecutive items of the index, summarized. */
export interface Block {
  /** A key at or below every key of the block (timestamp(8) || id(32)). */
  first: Uint8Array
  count: number
  sum: IdSum
}

/** A block's keys, packed back to back (count * 40 bytes). */
type Packed = Uint8Array

const itemAt = (keys: Packed, k: number): SyncItem => ({
  timestamp: readU64(keys, k * KEY),
  id: keys.subarray(k * KEY + 8, (k + 1) * KEY),
})

/**
 * The reconciled set as Negentropy sees it, backed by the store's (timestamp,
 * id) index in LevelDB. A summary lives in memory: the set cut into blocks of
 * about 1,024 items, each with its first key, count and id sum, plus running
 * sums over the blocks, so the fingerprint of any range costs one block's
 * worth of additions at most. Block contents are read from LevelDB on demand
 * and kept, packed, in a bounded cache (filled by the start-up scan; a write
 * evicts the blocks it touched). Positions shift as messages arrive, so every
 * read runs under a lock that writes also take: a reconciliation round sees
 * one consistent set.
 */
export class SyncIndex {
  readonly #sub: Sub
  readonly #blockSize: number
  readonly #cacheItems: number
  #blocks: Block[] = [{ first: new Uint8Array(KEY), count: 0, sum: new IdSum() }]
  #summary: Summary | undefined
  /** Packed contents of some blocks, least recently used first. */
  readonly #cache = new Map<Block, Packed>()
  #cached = 0
  #lock: Promise<unknown> = Promise.resolve()

  constructor(byTime: Sub, options: { blockSize?: number; cacheItems?: number } = {}) {
    this.#sub = byTime
    this.#blockSize = options.blockSize ?? BLOCK
    this.#cacheItems = options.cacheItems ?? CACHE_ITEMS
  }

  /**
   * Builds the summary with one scan of the index, and warms the cache with
   * what fits (the newest blocks, which recent differences fall in).
   * `onKey` sees each key on the way (the store's id filter is filled from it).
   */
  async load(onKey?: (key: Uint8Array) => void): Promise<void> {
    const blocks: Block[] = []
    this.#cache.clear()
    this.#cached = 0
    let current: Block | undefined
    let pack = new Uint8Array(0)
    const done = () => {
      if (current) this.#remember(current, pack.subarray(0, current.count * KEY))
    }
    for await (const key of this.#sub.keys()) {
      if (!current || current.count === this.#blockSize) {
        done()
        current = { first: Uint8Array.from(key), count: 0, sum: new IdSum() }
        pack = new Uint8Array(this.#blockSize * KEY)
        blocks.push(current)
      }
      pack.set(key, current.count * KEY)
      onKey?.(key)
      current.count++
      current.sum.add(key, 8)
    }
    done()
    if (blocks[0]) blocks[0].first = new Uint8Array(KEY)
    this.#blocks = blocks.length > 0 ? blocks : this.#blocks
    this.#summary = undefined
  }

  /** Runs `fn` alone: no write and no other read in between. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn)
    this.#lock = run.catch(() => {})
    return run
  }

  /** Runs `fn` over a consistent view of the set (one reconciliation round). */
  read<T>(fn: (storage: SyncStorage) => Promise<T>): Promise<T> {
    return this.exclusive(() => fn(new SyncIndexView(this, this.#summaryOf())))
  }

  /**
   * Records index keys a committed batch added and removed. Call it inside
   * `exclusive`, right after the batch is written.
   */
  async commit(addedKeys: Uint8Array[], removedKeys: Uint8Array[]): Promise<void> {
    try {
      await this.#patch(addedKeys, removedKeys)
    } catch {
      // The batch is on disk: rebuild the summary from it rather than answer
      // reconciliation rounds from a half-patched one.
      await this.load()
    }
  }

  async #patch(addedKeys: Uint8Array[], removedKeys: Uint8Array[]): Promise<void> {
    // A key added and removed by one batch (a post and its removal) never reached the index.
    const [added, removed] = netChanges(addedKeys, removedKeys)
    const touched = new Map<Block, { add: Uint8Array[]; del: Uint8Array[] }>()
    const changes = (b: Block) => {
      const c = touched.get(b) ?? { add: [], del: [] }
      touched.set(b, c)
      return c
    }
    for (const key of added) {
      const b = this.#blocks[this.#blockOf(key)] as Block
      b.count++
      b.sum.add(key, 8)
      changes(b).add.push(key)
    }
    for (const key of removed) {
      const b = this.#blocks[this.#blockOf(key)] as Block
      b.count--
      b.sum.subtract(key, 8)
      changes(b).del.push(key)
    }
    // Cached blocks are patched in place of being read again: one merge per block touched.
    for (const [b, c] of touched) {
      const keys = this.#cache.get(b)
      if (keys) {
        this.#forget(b)
        this.#remember(b, merge(keys, c.add, c.del))
      }
    }
    for (const b of touched.keys()) {
      if (b.count > 2 * this.#blockSize) await this.#split(b)
      const i = this.#blocks.indexOf(b)
      if (b.count === 0 && i > 0) {
        this.#blocks.splice(i, 1)
        this.#forget(b)
      }
    }
    if (touched.size > 0) this.#summary = undefined
  }

  /** A block's packed keys, from the cache or LevelDB. */
  async packed(block: Block, next: Block | undefined): Promise<Packed> {
    const hit = this.#cache.get(block)
    if (hit) {
      // Most recently used goes last.
      this.#cache.delete(block)
      this.#cache.set(block, hit)
      return hit
    }
    const keys = await this.#sub
      .keys({ gte: block.first, ...(next ? { lt: next.first } : {}), limit: block.count })
      .all()
    const packed = new Uint8Array(keys.length * KEY)
    keys.forEach((k, i) => {
      packed.set(k, i * KEY)
    })
    this.#remember(block, packed)
    return packed
  }

  #remember(block: Block, packed: Packed): void {
    if (this.#cacheItems === 0) return
    this.#cache.set(block, packed)
    this.#cached += packed.length / KEY
    for (const [old, keys] of this.#cache) {
      if (this.#cached <= this.#cacheItems) break
      this.#cache.delete(old)
      this.#cached -= keys.length / KEY
    }
  }

  #forget(block: Block): void {
    const keys = this.#cache.get(block)
    if (!keys) return
    this.#cache.delete(block)
    this.#cached -= keys.length / KEY
  }

  async #split(block: Block): Promise<void> {
    const i = this.#blocks.indexOf(block)
    const keys = await this.packed(block, this.#blocks[i + 1])
    this.#forget(block)
    const parts: Block[] = []
    const size = this.#blockSize * KEY
    for (let at = 0; at < keys.length; at += size) {
      const own = keys.slice(at, at + size)
      const part = { first: own.slice(0, KEY), count: own.length / KEY, sum: new IdSum() }
      for (let k = 0; k < own.length; k += KEY) part.sum.add(own, k + 8)
      parts.push(part)
      this.#remember(part, own)
    }
    if (parts[0]) parts[0].first = block.first
    this.#blocks.splice(i, 1, ...parts)
  }

  /** The block a key belongs to: the last whose first key is not above it. */
  #blockOf(key: Uint8Array): number {
    let lo = 0
    let hi = this.#blocks.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (compareBytes((this.#blocks[mid] as Block).first, key) <= 0) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /** Block positions and running sums, rebuilt after a write changed them. */
  #summaryOf(): Summary {
    if (!this.#summary) {
      const starts: number[] = []
      const sums: IdSum[] = []
      let n = 0
      const running = new IdSum()
      for (const b of this.#blocks) {
        starts.push(n)
        sums.push(new IdSum(running.words))
        n += b.count
        running.addSum(b.sum)
      }
      this.#summary = { blocks: this.#blocks.slice(), starts, sums, size: n }
    }
    return this.#summary
  }
}

/** A key as a string, to be looked up in a Set. */
const keyText = (key: Uint8Array) => String.fromCharCode(...key)

/** Added and removed keys, less those in both. */
function netChanges(added: Uint8Array[], removed: Uint8Array[]): [Uint8Array[], Uint8Array[]] {
  if (added.length === 0 || removed.length === 0) return [added, removed]
  const gone = new Set(removed.map(keyText))
  const both = new Set(added.map(keyText).filter((k) => gone.has(k)))
  if (both.size === 0) return [added, removed]
  const kept = (k: Uint8Array) => !both.has(keyText(k))
  return [added.filter(kept), removed.filter(kept)]
}

/** A block's packed keys with `add` inserted and `del` taken out, in order. */
function merge(keys: Packed, add: Uint8Array[], del: Uint8Array[]): Packed {
  const adds = add.slice().sort(compareBytes)
  const dels = new Set(del.map(keyText))
  const out = new Uint8Array(keys.length + (adds.length - del.length) * KEY)
  let o = 0
  let a = 0
  for (let at = 0; at < keys.length; at += KEY) {
    const key = keys.subarray(at, at + KEY)
    while (a < adds.length && compareBytes(adds[a] as Uint8Array, key) < 0) {
      out.set(adds[a++] as Uint8Array, o)
      o += KEY
    }
    if (dels.size > 0 && dels.has(keyText(key))) continue
    out.set(key, o)
    o += KEY
  }
  for (; a < adds.length; a++, o += KEY) out.set(adds[a] as Uint8Array, o)
  return out
}

interface Summary {
  blocks: Block[]
  /** Position of each block's first item. */
  starts: number[]
  /** Sum of the ids of every block before each block. */
  sums: IdSum[]
  size: number
}

/** One round's view: positions fixed, blocks read through the index's cache. */
class SyncIndexView implements SyncStorage {
  readonly #index: SyncIndex
  readonly #s: Summary

  constructor(index: SyncIndex, summary: Summary) {
    this.#index = index
    this.#s = summary
  }

  size(): number {
    return this.#s.size
  }

  async getItem(index: number): Promise<SyncItem> {
    const b = this.#blockAt(index)
    const k = index - (this.#s.starts[b] as number)
    const keys = await this.#read(b)
    if (k < 0 || k * KEY >= keys.length) throw new RangeError(`no item ${index}`)
    return itemAt(keys, k)
  }

  async iterate(
    begin: number,
    end: number,
    visit: (item: SyncItem, index: number) => boolean,
  ): Promise<void> {
    let i = begin
    for (let b = this.#blockAt(begin); i < end && b < this.#s.blocks.length; b++) {
      const keys = await this.#read(b)
      const start = this.#s.starts[b] as number
      const count = keys.length / KEY
      for (; i < end && i - start < count; i++) {
        if (!visit(itemAt(keys, i - start), i)) return
      }
    }
  }

  async findLowerBound(begin: number, end: number, bound: SyncBound): Promise<number> {
    // The last block starting below the bound holds the answer, or it is the next block's start.
    const { blocks, starts } = this.#s
    let lo = 0
    let hi = blocks.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      const first = (blocks[mid] as Block).first
      if (compareToBound({ timestamp: readU64(first, 0), id: first.subarray(8) }, bound) < 0)
        lo = mid
      else hi = mid - 1
    }
    const keys = await this.#read(lo)
    let a = 0
    let z = keys.length / KEY
    while (a < z) {
      const mid = (a + z) >>> 1
      if (compareToBound(itemAt(keys, mid), bound) < 0) a = mid + 1
      else z = mid
    }
    return Math.min(end, Math.max(begin, (starts[lo] as number) + a))
  }

  async fingerprint(begin: number, end: number): Promise<Uint8Array> {
    const sum = await this.#sumTo(end)
    return sum.subtractSum(await this.#sumTo(begin)).fingerprint(end - begin)
  }

  /** Sum of the ids of items 0..i-1: the blocks before from the running sums, the rest from one block. */
  async #sumTo(i: number): Promise<IdSum> {
    if (i === 0) return new IdSum()
    const b = this.#blockAt(i - 1)
    const sum = new IdSum((this.#s.sums[b] as IdSum).words)
    const offset = i - (this.#s.starts[b] as number)
    const block = this.#s.blocks[b] as Block
    const keys = await this.#read(b)
    if (offset * 2 <= block.count) {
      for (let k = 0; k < offset; k++) sum.add(keys, k * KEY + 8)
    } else {
      sum.addSum(block.sum)
      for (let k = offset; k < block.count; k++) sum.subtract(keys, k * KEY + 8)
    }
    return sum
  }

  #blockAt(index: number): number {
    const { blocks, starts } = this.#s
    let lo = 0
    let hi = blocks.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if ((starts[mid] as number) <= index) lo = mid
      else hi = mid - 1
    }
    // Skip empty blocks that share a start with the next one.
    while (lo < blocks.length - 1 && (blocks[lo] as Block).count === 0) lo++
    return lo
  }

  #read(b: number): Promise<Packed> {
    const { blocks } = this.#s
    return this.#index.packed(blocks[b] as Block, blocks[b + 1])
  }
}
