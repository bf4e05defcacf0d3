import { sha256 } from '@noble/hashes/sha2.js'
import { type SyncItem, utf8 } from '../src/index.ts'

/** Ranges [from, to) of item numbers. */
export type ItemRanges = [number, number][]

export const SYNC_VECTOR_T0 = Date.UTC(2026, 0, 1)

/**
 * Item n of the sync vectors: id SHA-256("freebird sync vector " + n), three
 * items per timestamp (so bounds need id prefixes), one second apart.
 */
export function syncItem(n: number): SyncItem {
  return {
    timestamp: SYNC_VECTOR_T0 + Math.floor(n / 3) * 1000,
    id: sha256(utf8(`freebird sync vector ${n}`)),
  }
}

export const syncItems = (ranges: ItemRanges): SyncItem[] =>
  ranges.flatMap(([from, to]) => Array.from({ length: to - from }, (_, i) => syncItem(from + i)))

export const SYNC_SCENARIOS: {
  name: string
  a: ItemRanges
  b: ItemRanges
  frameSizeLimit: number
}[] = [
  { name: 'both empty', a: [], b: [], frameSizeLimit: 0 },
  { name: 'identical sets', a: [[0, 100]], b: [[0, 100]], frameSizeLimit: 0 },
  { name: 'initiator empty', a: [], b: [[0, 300]], frameSizeLimit: 0 },
  { name: 'responder empty', a: [[0, 300]], b: [], frameSizeLimit: 0 },
  {
    name: 'a few scattered differences',
    a: [[0, 1000]],
    b: [
      [0, 137],
      [138, 501],
      [503, 1000],
      [1000, 1002],
    ],
    frameSizeLimit: 0,
  },
  {
    name: 'differences on both sides under a 4096-byte frame limit',
    a: [
      [0, 2000],
      [2500, 3000],
    ],
    b: [
      [100, 2600],
      [2700, 3100],
    ],
    frameSizeLimit: 4096,
  },
]
