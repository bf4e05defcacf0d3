/**
 * Memory and disk of ONE `freebird node` process holding many posts: ingests
 * FREEBIRD_BENCH_POSTS posts (default 1,000,000; ~200-byte text, 1,000
 * authors) over the libp2p submit protocol, then reports the node's resident
 * memory (VmRSS of its OS process, all threads; VmHWM is the peak) and the
 * data dir's bytes per stored post. Posts are generated in batches of 50,000
 * between submissions (so memory here stays bounded and generation never
 * competes with the node for CPU); the ingest time counts submissions only.
 *   node bench/node-memory.bench.ts
 *   FREEBIRD_BENCH_POSTS=100000 node bench/node-memory.bench.ts
 */
import { parseNetworkId } from '@freebird/protocol'
import {
  AUTHORS,
  createClient,
  dirBytes,
  fmt,
  makePosts,
  mib,
  type NodeProcess,
  networkOf,
  procStatus,
  stopNode,
  submitAll,
  TEXT_BYTES,
  withNodes,
  writeResults,
} from './node-helpers.ts'

const POSTS = Number(process.env.FREEBIRD_BENCH_POSTS ?? 1_000_000)
if (!Number.isInteger(POSTS) || POSTS < 1)
  throw new Error('FREEBIRD_BENCH_POSTS: a positive integer')
const BATCH = 50_000
const STREAMS = 2
const WINDOW = 2000
/** Per batch: far above what 50,000 posts take even at 1,000 msg/s. */
const BATCH_TIMEOUT_MS = 300_000
const SETTLE_MS = 15_000

/** The node's own view of its memory (prom-client default metrics on /metrics; main thread only). */
async function heapOf(node: NodeProcess) {
  return {
    heapUsedBytes: await node.metric('nodejs_heap_size_used_bytes'),
    heapTotalBytes: await node.metric('nodejs_heap_size_total_bytes'),
    externalBytes: await node.metric('nodejs_external_memory_bytes'),
  }
}

const result = await withNodes(async (start) => {
  const began = performance.now()
  const node = await start()
  const pid = node.child.pid as number
  const { network, protocol } = await networkOf(node)
  const networkId = parseNetworkId(network)
  const fresh = procStatus(pid)
  console.log(
    `node pid ${pid}, fresh: RSS ${mib(fresh.rssBytes)}; ingesting ${fmt(POSTS)} posts ` +
      `(${AUTHORS} authors, ${TEXT_BYTES}-byte text) in batches of ${fmt(BATCH)} over the submit protocol`,
  )
  const client = await createClient()
  const baseTime = Date.now() - POSTS - 60_000
  const statuses: Record<string, number> = {}
  let generateMs = 0
  let ingestMs = 0
  let wireBytes = 0
  const progress: { posts: number; rssBytes: number; ratePerSec: number }[] = []
  try {
    for (let from = 0; from < POSTS; from += BATCH) {
      const count = Math.min(BATCH, POSTS - from)
      let t = performance.now()
      const posts = makePosts(networkId, from, count, baseTime)
      generateMs += performance.now() - t
      for (const b of posts.bytes) wireBytes += b.length
      t = performance.now()
      const load = await submitAll(
        client,
        node.multiaddrs[0] as string,
        protocol,
        posts.frames,
        STREAMS,
        WINDOW,
        BATCH_TIMEOUT_MS,
      )
      const ms = performance.now() - t
      ingestMs += ms
      for (const [k, v] of Object.entries(load.statuses)) statuses[k] = (statuses[k] ?? 0) + v
      const rss = procStatus(pid).rssBytes
      const heap = await heapOf(node)
      progress.push({
        posts: from + count,
        rssBytes: rss,
        ratePerSec: (count / ms) * 1000,
        ...heap,
      })
      console.log(
        `  ${fmt(from + count).padStart(9)} posts: batch at ${fmt((count / ms) * 1000).padStart(6)} msg/s, ` +
          `node RSS ${mib(rss)} (JS heap ${mib(heap.heapUsedBytes)} used of ${mib(heap.heapTotalBytes)}, external ${mib(heap.externalBytes)})`,
      )
    }
  } finally {
    await client.stop()
  }
  const info = await node.info()
  const after = procStatus(pid)
  const heap = await heapOf(node)
  // And once the node has been idle a while: what it keeps, rather than what an ingest burst left behind.
  await new Promise((r) => setTimeout(r, SETTLE_MS))
  const settled = procStatus(pid)
  const settledHeap = await heapOf(node)
  const runningBytes = dirBytes(node.dataDir)
  const stop = await stopNode(node)
  const stoppedBytes = dirBytes(node.dataDir)
  return {
    posts: POSTS,
    answers: statuses,
    messageCount: info.messageCount,
    elapsedSeconds: (performance.now() - began) / 1000,
    generateSeconds: generateMs / 1000,
    ingestSeconds: ingestMs / 1000,
    ingestPerSec: info.messageCount / (ingestMs / 1000),
    freshRssBytes: fresh.rssBytes,
    rssBytes: after.rssBytes,
    peakRssBytes: after.hwmBytes,
    ...heap,
    settledAfterSeconds: SETTLE_MS / 1000,
    settledRssBytes: settled.rssBytes,
    settledHeapUsedBytes: settledHeap.heapUsedBytes,
    dataDirBytes: runningBytes,
    dataDirBytesAfterStop: stoppedBytes,
    diskBytesPerPost: runningBytes / info.messageCount,
    diskBytesPerPostAfterStop: stoppedBytes / info.messageCount,
    envelopeBytesPerPost: wireBytes / POSTS,
    stop,
    progress,
  }
})

const r = result
console.log(`\nFreebird node memory and disk, ${fmt(r.posts)} posts in one node process\n`)
console.log(
  `  stored: /v1/info messageCount ${fmt(r.messageCount)} (${r.messageCount === r.posts ? 'equals' : 'DIFFERS FROM'} the ${fmt(r.posts)} sent); answers ${JSON.stringify(r.answers)}`,
)
console.log(
  `  node RSS after ingest: ${mib(r.rssBytes)} (peak ${mib(r.peakRssBytes)}; fresh node ${mib(r.freshRssBytes)}); ` +
    `JS heap ${mib(r.heapUsedBytes)} used of ${mib(r.heapTotalBytes)}, external ${mib(r.externalBytes)} (the node's /metrics)`,
)
console.log(
  `  node RSS after ${r.settledAfterSeconds} s idle: ${mib(r.settledRssBytes)}; JS heap ${mib(r.settledHeapUsedBytes)} used`,
)
console.log(
  `  disk: ${mib(r.dataDirBytes)} = ${fmt(r.diskBytesPerPost)} bytes per stored post while running; ` +
    `${mib(r.dataDirBytesAfterStop)} = ${fmt(r.diskBytesPerPostAfterStop)} bytes per post after stop ` +
    `(envelope ${fmt(r.envelopeBytesPerPost)} bytes)`,
)
console.log(
  `  time: ${fmt(r.elapsedSeconds, 1)} s elapsed = ${fmt(r.ingestSeconds, 1)} s ingest (${fmt(r.ingestPerSec)} msg/s) ` +
    `+ ${fmt(r.generateSeconds, 1)} s generating posts between batches + ${r.settledAfterSeconds} s idle + start/stop; ` +
    `node stop: ${r.stop}`,
)
writeResults('node-memory', 'Freebird node memory and disk', [r])
