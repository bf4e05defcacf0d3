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
 *      FREEBIRD_BENCH_STREAMS (2), FREEBIRD_BENCH_WINDOW (4000 per stream: above the node's own bound, so its backpressure governs),
 *      FREEBIRD_BENCH_PATHS (http,libp2p), FREEBIRD_BENCH_INGEST_WARMUP (20000 posts),
 *      FREEBIRD_BENCH_RUNS (3 per path, each on a fresh node; the median run is reported)
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
const WINDOW = envInt('FREEBIRD_BENCH_WINDOW', 4000)
const WARMUP = envInt('FREEBIRD_BENCH_INGEST_WARMUP', 20_000)
const RUNS = envInt('FREEBIRD_BENCH_RUNS', 3)
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
  /** Every run's rate (this result is the median run's). */
  runs?: number[]
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

/** The run with the median rate, with every run's rate (runs on fresh nodes vary by ~5% here). */
function median(runs: PathResult[]): PathResult {
  const sorted = [...runs].sort((a, b) => a.opsPerSec - b.opsPerSec)
  const mid = sorted[Math.floor(sorted.length / 2)] as PathResult
  return { ...mid, runs: runs.map((r) => Math.round(r.opsPerSec)) }
}

const results: PathResult[] = []
await withNodes(async (start) => {
  const first = await start()
  const { network, protocol } = await networkOf(first)
  const t0 = performance.now()
  const baseTime = Date.now() - POSTS - WARMUP - 60_000
  const posts = makePosts(parseNetworkId(network), 0, POSTS, baseTime)
  const warm = makePosts(parseNetworkId(network), POSTS, WARMUP, baseTime)
  const genSeconds = (performance.now() - t0) / 1000
  console.log(
    `pre-generated ${fmt(POSTS)} posts from ${AUTHORS} authors (${TEXT_BYTES}-byte text, ` +
      `${posts.bytes[0]?.length} bytes on the wire) and ${fmt(WARMUP)} warm-up posts in ${fmt(genSeconds, 1)} s, before timing`,
  )
  await stopNode(first)

  // ---- (a) HTTP, a fresh node per run
  const http: PathResult[] = []
  for (let run = 0; PATHS.has('http') && run < RUNS; run++) {
    const node = await start()
    await postPipelined(node.url, warm.bytes, CONNECTIONS, PIPELINE, TIMEOUT_MS)
    const meter = cpuMeter(node.child.pid as number)
    const load = await postPipelined(node.url, posts.bytes, CONNECTIONS, PIPELINE, TIMEOUT_MS)
    const cpu = meter()
    const info = await node.info()
    http.push(
      summarize(
        'HTTP POST /v1/messages',
        `${CONNECTIONS} keep-alive connections, ${PIPELINE} pipelined requests each (raw sockets, as wrk does)`,
        load,
        load.statuses[201] ?? 0,
        info.messageCount - WARMUP,
        cpu,
      ),
    )
    console.log(
      `  http run ${run + 1}: ${fmt(http.at(-1)?.opsPerSec ?? 0)} msg/s; node stopped: ${await stopNode(node)}`,
    )
  }
  if (http.length > 0) results.push(median(http))

  // ---- (b) libp2p submit protocol, a fresh node per run
  const p2p: PathResult[] = []
  for (let run = 0; PATHS.has('libp2p') && run < RUNS; run++) {
    const node = await start()
    const client = await createClient()
    try {
      const address = node.multiaddrs[0] as string
      await submitAll(client, address, protocol, warm.frames, STREAMS, WINDOW, TIMEOUT_MS)
      const meter = cpuMeter(node.child.pid as number)
      const load = await submitAll(
        client,
        address,
        protocol,
        posts.frames,
        STREAMS,
        WINDOW,
        TIMEOUT_MS,
      )
      const cpu = meter()
      const info = await node.info()
      p2p.push(
        summarize(
          'libp2p submit protocol',
          `${STREAMS} stream(s), window ${WINDOW} unanswered frames each (TCP+noise+yamux)`,
          load,
          load.statuses.stored ?? 0,
          info.messageCount - WARMUP,
          cpu,
        ),
      )
    } finally {
      await client.stop()
    }
    console.log(
      `  libp2p run ${run + 1}: ${fmt(p2p.at(-1)?.opsPerSec ?? 0)} msg/s; node stopped: ${await stopNode(node)}`,
    )
  }
  if (p2p.length > 0) results.push(median(p2p))
})

console.log(
  `\nFreebird node ingest, one node process, ${fmt(POSTS)} posts per run (after ${fmt(WARMUP)} warm-up posts), median of ${RUNS} runs\n`,
)
const width = Math.max(...results.map((r) => r.name.length))
for (const r of results) {
  const verdict = r.opsPerSec >= r.target ? 'met' : 'NOT met'
  console.log(
    `  ${r.name.padEnd(width)}  ${fmt(r.opsPerSec).padStart(7)} msg/s stored  ` +
      `(${fmt(r.seconds, 1)} s; per second median ${fmt(r.medianSecond)}, ${fmt(r.range[0])}..${fmt(r.range[1])})` +
      `   target >= ${fmt(r.target)}: ${verdict}`,
  )
  console.log(`  ${''.padEnd(width)}  runs: ${(r.runs ?? []).map((x) => fmt(x)).join(', ')} msg/s`)
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
