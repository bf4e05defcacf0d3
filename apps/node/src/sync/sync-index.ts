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

interface Block {
  /** A key at or below every key of the block (timestamp(8) || id(32)). */
  first: Uint8Array
  count: number
  sum: IdSum
}

const itemOf = (key: Uint8Array): SyncItem => ({
  timestamp: readU64(key),
  id: key.subarray(8, KEY),
})

/**
 * The reconciled set as Negentropy sees it, backed by the store's (timestamp,
 * id) index in LevelDB. Only a summary lives in memory: the set cut into
 * blocks of about 1,024 items, each with its first key, count and id sum, so
 * the fingerprint of any range adds block sums and reads at most two blocks.
 * Positions shift as messages arrive, so every read runs under a lock that
 * writes also take: a reconciliation round sees one consistent set.
 */
export class SyncIndex {
  readonly #sub: Sub
  readonly #blockSize: number
  #blocks: Block[] = [{ first: new Uint8Array(KEY), count: 0, sum: new IdSum() }]
  #starts: number[] | undefined
  #lock: Promise<unknown> = Promise.resolve()

  constructor(byTime: Sub, options: { blockSize?: number } = {}) {
    this.#sub = byTime
    this.#blockSize = options.blockSize ?? BLOCK
  }

  /** Builds the summary with one scan of the index. */
  async load(): Promise<void> {
    const blocks: Block[] = []
    let current: Block | undefined
    for await (const key of this.#sub.keys()) {
      if (!current || current.count === this.#blockSize) {
        current = { first: Uint8Array.from(key), count: 0, sum: new IdSum() }
        blocks.push(current)
      }
      current.count++
      current.sum.add(key, 8)
    }
    if (blocks[0]) blocks[0].first = new Uint8Array(KEY)
    this.#blocks = blocks.length > 0 ? blocks : this.#blocks
    this.#starts = undefined
  }

  /** Runs `fn` alone: no write and no other read in between. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn)
    this.#lock = run.catch(() => {})
    return run
  }

  /** Runs `fn` over a consistent view of the set (one reconciliation round). */
  read<T>(fn: (storage: SyncStorage) => Promise<T>): Promise<T> {
    return this.exclusive(() => fn(new SyncIndexView(this.#sub, this.#blocks, this.#startsOf())))
  }

  /**
   * Records index keys a committed batch added and removed. Call it inside
   * `exclusive`, right after the batch is written.
   */
  async commit(added: Uint8Array[], removed: Uint8Array[]): Promise<void> {
    const oversize = new Set<Block>()
    for (const key of added) {
      const b = this.#blocks[this.#blockOf(key)] as Block
      b.count++
      b.sum.add(key, 8)
      if (b.count > 2 * this.#blockSize) oversize.add(b)
    }
    for (const key of removed) {
      const i = this.#blockOf(key)
      const b = this.#blocks[i] as Block
      b.count--
      b.sum.subtract(key, 8)
      if (b.count === 0 && this.#blocks.length > 1 && i > 0) this.#blocks.splice(i, 1)
    }
    for (const b of oversize) await this.#split(b)
    this.#starts = undefined
  }

  async #split(block: Block): Promise<void> {
    const i = this.#blocks.indexOf(block)
    const next = this.#blocks[i + 1]
    const keys = await this.#sub
      .keys({ gte: block.first, ...(next ? { lt: next.first } : {}) })
      .all()
    const parts: Block[] = []
    for (let k = 0; k < keys.length; k += this.#blockSize) {
      const part = { first: Uint8Array.from(keys[k] as Uint8Array), count: 0, sum: new IdSum() }
      for (const key of keys.slice(k, k + this.#blockSize)) {
        part.count++
        part.sum.add(key, 8)
      }
      parts.push(part)
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

  #startsOf(): number[] {
    if (!this.#starts) {
      let n = 0
      this.#starts = this.#blocks.map((b) => {
        const start = n
        n += b.count
        return start
      })
    }
    return this.#starts
  }
}

/** One round's view: block positions fixed, blocks read from LevelDB once each. */
class SyncIndexView implements SyncStorage {
  readonly #cache = new Map<number, SyncItem[]>()
  readonly #size: number
  readonly sub: Sub
  readonly blocks: readonly Block[]
  readonly starts: readonly number[]

  constructor(sub: Sub, blocks: readonly Block[], starts: readonly number[]) {
    this.sub = sub
    this.blocks = blocks
    this.starts = starts
    this.#size = (starts.at(-1) ?? 0) + (blocks.at(-1)?.count ?? 0)
  }

  size(): number {
    return this.#size
  }

  async getItem(index: number): Promise<SyncItem> {
    const b = this.#blockAt(index)
    const item = (await this.#read(b))[index - (this.starts[b] as number)]
    if (!item) throw new RangeError(`no item ${index}`)
    return item
  }

  async iterate(
    begin: number,
    end: number,
    visit: (item: SyncItem, index: number) => boolean,
  ): Promise<void> {
    let i = begin
    for (let b = this.#blockAt(begin); i < end && b < this.blocks.length; b++) {
      const items = await this.#read(b)
      const start = this.starts[b] as number
      for (; i < end && i - start < items.length; i++) {
        if (!visit(items[i - start] as SyncItem, i)) return
      }
    }
  }

  async findLowerBound(begin: number, end: number, bound: SyncBound): Promise<number> {
    // The last block starting below the bound holds the answer, or it is the next block's start.
    let lo = 0
    let hi = this.blocks.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (compareToBound(itemOf((this.blocks[mid] as Block).first), bound) < 0) lo = mid
      else hi = mid - 1
    }
    const items = await this.#read(lo)
    let a = 0
    let z = items.length
    while (a < z) {
      const mid = (a + z) >>> 1
      if (compareToBound(items[mid] as SyncItem, bound) < 0) a = mid + 1
      else z = mid
    }
    return Math.min(end, Math.max(begin, (this.starts[lo] as number) + a))
  }

  async fingerprint(begin: number, end: number): Promise<Uint8Array> {
    const sum = await this.#sumTo(end)
    return sum.subtractSum(await this.#sumTo(begin)).fingerprint(end - begin)
  }

  /** Sum of the ids of items 0..i-1: whole blocks from memory, the rest from one block. */
  async #sumTo(i: number): Promise<IdSum> {
    const sum = new IdSum()
    if (i === 0) return sum
    const b = this.#blockAt(i - 1)
    for (let k = 0; k < b; k++) sum.addSum((this.blocks[k] as Block).sum)
    const offset = i - (this.starts[b] as number)
    const block = this.blocks[b] as Block
    const items = await this.#read(b)
    if (offset * 2 <= block.count)
      for (let k = 0; k < offset; k++) sum.add((items[k] as SyncItem).id)
    else {
      sum.addSum(block.sum)
      for (let k = offset; k < items.length; k++) sum.subtract((items[k] as SyncItem).id)
    }
    return sum
  }

  #blockAt(index: number): number {
    let lo = 0
    let hi = this.blocks.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if ((this.starts[mid] as number) <= index) lo = mid
      else hi = mid - 1
    }
    // Skip empty blocks that share a start with the next one.
    while (lo < this.blocks.length - 1 && (this.blocks[lo] as Block).count === 0) lo++
    return lo
  }

  async #read(b: number): Promise<SyncItem[]> {
    let items = this.#cache.get(b)
    if (!items) {
      const block = this.blocks[b] as Block
      const next = this.blocks[b + 1]
      const keys = await this.sub
        .keys({ gte: block.first, ...(next ? { lt: next.first } : {}), limit: block.count })
        .all()
      items = keys.map((k) => itemOf(Uint8Array.from(k)))
      this.#cache.set(b, items)
    }
    return items
  }
}
