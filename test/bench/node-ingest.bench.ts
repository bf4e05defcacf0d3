/**
 * Ingest throughput of ONE `freebird node` process: valid posts per second
 * decoded, signature-checked and stored (the answer comes after the batch is
 * on disk), fed (a) over HTTP, POST /v1/messages pipelined on keep-alive
 * connections by a lean raw-socket client, and (b) over the libp2p submit protocol, frames
 * pipelined on a few streams with a bounded window of unanswered frames.
 * Each path runs on a fresh node (new data dir). The posts (~200-byte text,
 * 1,000 authors) are generated and signed before any timing starts. Each node
 * first takes a warm-up of other posts the same way, untimed: V8 optimizes the
 * hot path only after thousands of messages, and a node runs for far longer.
 *   node bench/node-ingest.bench.ts
 * Env: FREEBIRD_BENCH_INGEST_POSTS (100000), FREEBIRD_BENCH_HTTP_CONNECTIONS (64),
 *      FREEBIRD_BENCH_HTTP_PIPELINE (64 requests ahead per connection; 1: none),
 *      FREEBIRD_BENCH_STREAMS (2), FREEBIRD_BENCH_WINDOW (2000 per stream),
 *      FREEBIRD_BENCH_PATHS (http,libp2p), FREEBIRD_BENCH_INGEST_WARMUP (20000 posts)
 */
import { cpus } from 'node:os'
import { parseNetworkId } from '@freebird/protocol'
import {
  AUTHORS,
  cpuMeter,
  createClient,
  envInt,
  fmt,
  type LoadResult,
  makePosts,
  networkOf,
  perSecond,
  postPipelined,
  stopNode,
  submitAll,
  TEXT_BYTES,
  withNodes,
  writeResults,
} from './node-helpers.ts'

const POSTS = envInt('FREEBIRD_BENCH_INGEST_POSTS', 100_000)
const CONNECTIONS = envInt('FREEBIRD_BENCH_HTTP_CONNECTIONS', 64)
const PIPELINE = envInt('FREEBIRD_BENCH_HTTP_PIPELINE', 64)
const STREAMS = envInt('FREEBIRD_BENCH_STREAMS', 2)
const WINDOW = envInt('FREEBIRD_BENCH_WINDOW', 2000)
const WARMUP = envInt('FREEBIRD_BENCH_INGEST_WARMUP', 20_000)
const PATHS = new Set((process.env.FREEBIRD_BENCH_PATHS ?? 'http,libp2p').split(','))
const TARGET = 15_000
// Generous: at 1,000 msg/s 100,000 posts take 100 s.
const TIMEOUT_MS = Math.max(120_000, POSTS * 2)

interface PathResult {
  name: string
  messages: number
  seconds: number
  /** Messages answered "stored" per second over the whole run. */
  opsPerSec: number
  /** Median, slowest and fastest whole second of the run. */
  medianSecond: number
  range: [number, number]
  target: number
  statuses: Record<string, number>
  /** /v1/info messageCount after the run, less the warm-up. */
  messageCount: number
  /** Posts sent the same way before timing started (not counted). */
  warmupMessages: number
  /** CPU used during the run, in cores (this machine has 2). */
  nodeCores: number
  nodeThreads: Record<string, number>
  clientCores: number
  /** Every process on the machine: what else competed for the 2 cores. */
  machineCores: number
  setup: string
}

function summarize(
  name: string,
  setup: string,
  load: LoadResult,
  stored: number,
  messageCount: number,
  cpu: ReturnType<ReturnType<typeof cpuMeter>>,
): PathResult {
  const seconds = (load.endedAt - load.startedAt) / 1000
  const secs = perSecond(load).sort((a, b) => a - b)
  return {
    name,
    messages: POSTS,
    seconds,
    opsPerSec: stored / seconds,
    medianSecond: secs.length ? (secs[Math.floor(secs.length / 2)] as number) : Number.NaN,
    range: secs.length ? [secs[0] as number, secs.at(-1) as number] : [Number.NaN, Number.NaN],
    target: TARGET,
    statuses: load.statuses,
    messageCount,
    warmupMessages: WARMUP,
    ...cpu,
    setup,
  }
}

const results: PathResult[] = []
await withNodes(async (start) => {
  // ---- (a) HTTP
  const httpNode = await start()
  const { network, protocol } = await networkOf(httpNode)
  const t0 = performance.now()
  const baseTime = Date.now() - POSTS - WARMUP - 60_000
  const posts = makePosts(parseNetworkId(network), 0, POSTS, baseTime)
  const warm = makePosts(parseNetworkId(network), POSTS, WARMUP, baseTime)
  const genSeconds = (performance.now() - t0) / 1000
  console.log(
    `pre-generated ${fmt(POSTS)} posts from ${AUTHORS} authors (${TEXT_BYTES}-byte text, ` +
      `${posts.bytes[0]?.length} bytes on the wire) and ${fmt(WARMUP)} warm-up posts in ${fmt(genSeconds, 1)} s, before timing`,
  )

  if (PATHS.has('http')) {
    await postPipelined(httpNode.url, warm.bytes, CONNECTIONS, PIPELINE, TIMEOUT_MS)
    const pid = httpNode.child.pid as number
    const meter = cpuMeter(pid)
    const http = await postPipelined(httpNode.url, posts.bytes, CONNECTIONS, PIPELINE, TIMEOUT_MS)
    const cpu = meter()
    const info = await httpNode.info()
    results.push(
      summarize(
        'HTTP POST /v1/messages',
        `${CONNECTIONS} keep-alive connections, ${PIPELINE} pipelined requests each (raw sockets, as wrk does)`,
        http,
        http.statuses[201] ?? 0,
        info.messageCount - WARMUP,
        cpu,
      ),
    )
  }
  console.log(`  http node stopped: ${await stopNode(httpNode)}`)

  // ---- (b) libp2p submit protocol, fresh node
  if (!PATHS.has('libp2p')) return
  const p2pNode = await start()
  const client = await createClient()
  try {
    const address = p2pNode.multiaddrs[0] as string
    await submitAll(client, address, protocol, warm.frames, STREAMS, WINDOW, TIMEOUT_MS)
    const meter = cpuMeter(p2pNode.child.pid as number)
    const p2p = await submitAll(
      client,
      address,
      protocol,
      posts.frames,
      STREAMS,
      WINDOW,
      TIMEOUT_MS,
    )
    const cpu = meter()
    const info = await p2pNode.info()
    results.push(
      summarize(
        'libp2p submit protocol',
        `${STREAMS} stream(s), window ${WINDOW} unanswered frames each (TCP+noise+yamux)`,
        p2p,
        p2p.statuses.stored ?? 0,
        info.messageCount - WARMUP,
        cpu,
      ),
    )
  } finally {
    await client.stop()
  }
  console.log(`  libp2p node stopped: ${await stopNode(p2pNode)}`)
})

console.log(
  `\nFreebird node ingest, one node process, ${fmt(POSTS)} posts per path (after ${fmt(WARMUP)} warm-up posts)\n`,
)
const width = Math.max(...results.map((r) => r.name.length))
for (const r of results) {
  const verdict = r.opsPerSec >= r.target ? 'met' : 'NOT met'
  console.log(
    `  ${r.name.padEnd(width)}  ${fmt(r.opsPerSec).padStart(7)} msg/s stored  ` +
      `(${fmt(r.seconds, 1)} s; per second median ${fmt(r.medianSecond)}, ${fmt(r.range[0])}..${fmt(r.range[1])})` +
      `   target >= ${fmt(r.target)}: ${verdict}`,
  )
  const answers = Object.entries(r.statuses)
    .map(([k, v]) => `${k} x ${fmt(v)}`)
    .join(', ')
  const count = r.messageCount === r.messages ? 'equals' : 'DIFFERS FROM'
  console.log(
    `  ${''.padEnd(width)}  answers: ${answers}; /v1/info messageCount ${fmt(r.messageCount)} ${count} the ${fmt(r.messages)} sent`,
  )
  console.log(
    `  ${''.padEnd(width)}  CPU during the run: node ${fmt(r.nodeCores, 2)} cores, client ${fmt(r.clientCores, 2)}, whole machine ${fmt(r.machineCores, 2)} of ${cpus().length}; ${r.setup}`,
  )
  const threads = Object.entries(r.nodeThreads)
    .filter(([, cores]) => cores >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([name, cores]) => `${name} ${fmt(cores, 2)}`)
    .join(', ')
  console.log(`  ${''.padEnd(width)}  node cores by thread: ${threads}`)
}
writeResults('node-ingest', 'Freebird node ingest, one node process', results)
