/**
 * The local test network (startDevnet): 10 `freebird node` processes, each
 * connected to every other, on this machine.
 *
 * 1. Propagation latency at 500 and 2,000 messages/s, and at 100 (a rate
 *    this 2-core machine sustains for 10 nodes, so that the chart also shows
 *    propagation without queues): signed posts (made
 *    before the run) are POSTed over HTTP round-robin to the 10 nodes (writes
 *    from every node, as on a real devnet) at a steady rate for ~10 s, after a
 *    ~3 s warm-up at the same rate that is not measured. A message's latency
 *    is the time from its submit until it is stored on the LAST of the 10
 *    nodes, observed on each node's Server-Sent Events stream (GET /v1/events
 *    emits a message once it is on disk). All clocks are this process's
 *    performance.now(), and a submit's clock starts when it is due, even if it
 *    then waits for one of the 512 connections per node (an overloaded
 *    network is not flattered by a client that slows down with it). A message
 *    not on every node within the drain time (90 s after the last submit) is
 *    counted apart: the percentiles are over the messages that made it.
 * 2. Partition and reconvergence: the network is split 5/5 (devnet.partition),
 *    each side takes writes for 30 s (100 msg/s per side, round-robin over its
 *    nodes), each side must converge within itself, then heal(): the figure is
 *    the time from heal() until every node has one state root and every
 *    message of both sides (devnet.waitConverged). Nodes sync with a random
 *    peer every 5 s (the devnet default) and on every new connection.
 *
 * The latency distributions are drawn to results/devnet-latency.svg.
 *   node bench/devnet.bench.ts
 * Env: FREEBIRD_BENCH_RATES (100,500,2000), FREEBIRD_BENCH_SECONDS (10),
 *      FREEBIRD_BENCH_WARMUP_SECONDS (3), FREEBIRD_BENCH_PARTITION_SECONDS (30),
 *      FREEBIRD_BENCH_PARTITION_RATE (100 msg/s per side),
 *      FREEBIRD_BENCH_DRAIN_SECONDS (90).
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Agent } from 'node:http'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Devnet, type DevnetNode, startDevnet } from '@freebird/node'
import { parseNetworkId } from '@freebird/protocol'
import {
  cpuMeter,
  envInt,
  fmt,
  makePosts,
  pace,
  postMessage,
  subscribeEvents,
  summary,
  waitFor,
  writeResults,
} from './node-helpers.ts'
import { histogramSvg } from './svg-chart.ts'

const NODES = 10
const RATES = (process.env.FREEBIRD_BENCH_RATES ?? '100,500,2000').split(',').map(Number)
if (!RATES.every((r) => Number.isInteger(r) && r > 0))
  throw new Error('FREEBIRD_BENCH_RATES: positive integers, comma-separated')
const SECONDS = envInt('FREEBIRD_BENCH_SECONDS', 10)
const WARMUP_SECONDS = envInt('FREEBIRD_BENCH_WARMUP_SECONDS', 3)
const PARTITION_SECONDS = envInt('FREEBIRD_BENCH_PARTITION_SECONDS', 30)
const PARTITION_RATE = envInt('FREEBIRD_BENCH_PARTITION_RATE', 100)
/** The devnet default, stated here because the reconvergence time depends on it. */
const SYNC_INTERVAL_MS = 5_000
/** After the last submit, how long stragglers may take before they are counted apart. */
const DRAIN_MS = 1000 * envInt('FREEBIRD_BENCH_DRAIN_SECONDS', 90)
const SUBMIT = `HTTP POST /v1/messages, round-robin over the ${NODES} nodes`

const ms = (x: number) => `${fmt(x, x < 100 ? 1 : 0)} ms`
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

// ---- every post of the run (signed once the devnet is up, before the first submit)
// Segments, in this order: per rate a warm-up and a measured run; then the
// partition's writes (even positions go to side A, odd to side B).
interface Segment {
  from: number
  count: number
}
let total = 0
const segment = (count: number): Segment => {
  const s = { from: total, count }
  total += count
  return s
}
const phases = RATES.map((rate) => ({
  rate,
  warm: segment(rate * WARMUP_SECONDS),
  run: segment(rate * SECONDS),
}))
const split = segment(2 * PARTITION_RATE * PARTITION_SECONDS)

const dir = mkdtempSync(join(tmpdir(), 'freebird-devnet-bench-'))
let devnet: Devnet | undefined
const onSignal = () => {
  void (devnet?.stop() ?? Promise.resolve()).finally(() => {
    rmSync(dir, { recursive: true, force: true })
    process.exit(130)
  })
}
process.once('SIGINT', onSignal)
process.once('SIGTERM', onSignal)

// Other work on the machine skews every figure: measure it before starting.
const idle = cpuMeter(process.pid)
await new Promise((r) => setTimeout(r, 2_000))
const busyBefore = idle().machineCores
console.log(`machine busy before the run: ${fmt(busyBefore, 2)} of ${cpus().length} cores`)

const t0 = performance.now()
const net = await (async () => {
  try {
    devnet = await startDevnet({
      dir,
      nodes: NODES,
      accounts: 0,
      basePort: 0,
      reset: true,
      syncIntervalMs: SYNC_INTERVAL_MS,
      logLevel: 'warn',
    })
    const startMs = performance.now() - t0
    return await run(devnet, startMs)
  } finally {
    await devnet?.stop()
    rmSync(dir, { recursive: true, force: true })
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
})()

async function run(devnet: Devnet, startMs: number) {
  const nodes = devnet.nodes
  console.log(
    `devnet of ${NODES} node processes up and fully connected after ${fmt(startMs)} ms ` +
      `(sync every ${SYNC_INTERVAL_MS} ms); ${cpus().length} cores`,
  )
  const g0 = performance.now()
  const posts = makePosts(
    parseNetworkId(devnet.networkId),
    0,
    total,
    Date.now() - total - 60_000, // distinct timestamps, all in the past
  )
  console.log(
    `signed ${fmt(total)} posts (${posts.bytes[0]?.length} bytes each) in ${fmt(performance.now() - g0)} ms before the run`,
  )

  // ---- arrivals: arrivals[node][message] = when node's event stream showed it stored
  const index = new Map(posts.ids.map((id, i) => [id, i]))
  const arrivals = nodes.map(() => new Float64Array(total).fill(Number.NaN))
  const subs = nodes.map((n, k) => subscribeEvents(n, index, arrivals[k] as Float64Array))
  const submitAt = new Float64Array(total).fill(Number.NaN)
  const ackAt = new Float64Array(total).fill(Number.NaN)
  const status = new Int16Array(total)
  const entryOf = new Uint8Array(total)
  const agent = new Agent({ keepAlive: true, maxSockets: 512 })

  /** Posts message i to node k, recording submit and answer. */
  const send = (i: number, k: number) => {
    entryOf[i] = k
    submitAt[i] = performance.now()
    postMessage(
      agent,
      (nodes[k] as DevnetNode).url,
      posts.bytes[i] as Uint8Array,
      DRAIN_MS,
      (s) => {
        status[i] = s
        if (s >= 0) ackAt[i] = performance.now()
      },
    )
  }
  /** When message i was stored on the last node (NaN while some node lacks it). */
  const lastArrival = (i: number) => {
    let last = 0
    for (const a of arrivals) last = Math.max(last, a[i] as number)
    return last
  }
  const storedOnAll = (s: Segment) => {
    let n = 0
    for (let i = s.from; i < s.from + s.count; i++) if (!Number.isNaN(lastArrival(i))) n++
    return n
  }
  const statuses = (s: Segment) => {
    const out: Record<string, number> = {}
    for (let i = s.from; i < s.from + s.count; i++) {
      const key = status[i] === -1 ? 'error' : String(status[i])
      out[key] = (out[key] ?? 0) + 1
    }
    return out
  }
  /**
   * Messages stored, summed over the nodes, by how they arrived (http, gossip,
   * sync...): from each node's /metrics.
   */
  const storedBySource = async () => {
    const out: Record<string, number> = {}
    for (const n of nodes) {
      const text = await (await fetch(`${n.url}/metrics`)).text()
      for (const [, labels, value] of text.matchAll(
        /^freebird_messages_stored_total\{([^}]*)\} (\d+)/gm,
      )) {
        const source = /source="([^"]*)"/.exec(labels as string)?.[1] ?? '?'
        out[source] = (out[source] ?? 0) + Number(value)
      }
    }
    return out
  }
  const since = (before: Record<string, number>, after: Record<string, number>) =>
    Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]))

  /** Submits of `s` answered (status 0: no answer yet). */
  const answered = (s: Segment) => {
    let n = 0
    for (let i = s.from; i < s.from + s.count; i++) if (status[i] !== 0) n++
    return n
  }
  /**
   * Waits until every submit of `s` is answered and every message of it is on
   * every node (or DRAIN_MS); returns how long it took.
   */
  const drain = async (s: Segment, what: string) => {
    const start = performance.now()
    await waitFor(
      () => answered(s) === s.count && storedOnAll(s) === s.count,
      what,
      DRAIN_MS,
    ).catch((e: Error) => console.log(`  ${e.message}`))
    return performance.now() - start
  }

  try {
    await Promise.all(subs.map((s) => s.connected))

    // ---------------------------------------------------------------- 1. latency
    const latency = []
    for (const { rate, warm, run } of phases) {
      console.log(`\n${fmt(rate)} msg/s: warm-up ${WARMUP_SECONDS} s, then ${SECONDS} s measured`)
      await pace(warm.count, rate, (j) => send(warm.from + j, j % NODES))
      const warmDrainMs = await drain(warm, `the ${fmt(rate)} msg/s warm-up on every node`)

      const sources0 = await storedBySource()
      const meters = nodes.map((n) => cpuMeter(n.pid as number))
      const runStart = performance.now()
      const worstLagMs = await pace(run.count, rate, (j) => send(run.from + j, j % NODES))
      const sendSeconds = (performance.now() - runStart) / 1000
      const drainMs = await drain(run, `every ${fmt(rate)} msg/s message on every node`)
      const cpu = meters.map((m) => m())
      const sources = since(sources0, await storedBySource())

      const toAll: number[] = []
      const toEntry: number[] = []
      const entryToAll: number[] = []
      const acks: number[] = []
      const bySecond: number[][] = Array.from({ length: SECONDS }, () => [])
      let lastStored = runStart
      for (let i = run.from; i < run.from + run.count; i++) {
        const sub = submitAt[i] as number
        const last = lastArrival(i)
        const entry = arrivals[entryOf[i] as number]?.[i] as number
        if (!Number.isNaN(ackAt[i] as number)) acks.push((ackAt[i] as number) - sub)
        if (!Number.isNaN(entry)) toEntry.push(entry - sub)
        if (Number.isNaN(last)) continue
        toAll.push(last - sub)
        entryToAll.push(last - entry)
        lastStored = Math.max(lastStored, last)
        bySecond[Math.min(SECONDS - 1, Math.floor((sub - runStart) / 1000))]?.push(last - sub)
      }
      const reached = toAll.length
      const r = {
        offeredRate: rate,
        submitted: run.count,
        sendSeconds,
        /** Submits per second the client managed (the offered load as actually sent). */
        submitRate: run.count / sendSeconds,
        /** Messages stored on all nodes per second, from the first submit to the last of them stored everywhere. */
        deliveredRate: reached / ((lastStored - runStart) / 1000),
        worstSubmitLagMs: worstLagMs,
        httpStatuses: statuses(run),
        reachedAll: reached,
        notOnAllAfterDrain: run.count - reached,
        latencyToAllMs: summary(toAll),
        storedOnEntryMs: summary(toEntry),
        entryToAllMs: summary(entryToAll),
        httpAnswerMs: summary(acks),
        p99BySecondMs: bySecond.map((v) => summary(v).p99),
        drainMs,
        /** Messages stored over the run and its drain, summed over the nodes, by how they arrived. */
        storedBySource: sources,
        warmupMessages: warm.count,
        warmupDrainMs: warmDrainMs,
        nodeCores: cpu.map((c) => c.nodeCores),
        clientCores: cpu[0]?.clientCores ?? Number.NaN,
        machineCores: cpu[0]?.machineCores ?? Number.NaN,
        /** The machine's busy cores not used by the nodes or this process: anything else running. */
        otherCores:
          (cpu[0]?.machineCores ?? Number.NaN) -
          sum(cpu.map((c) => c.nodeCores)) -
          (cpu[0]?.clientCores ?? Number.NaN),
        latencies: toAll,
      }
      const l = r.latencyToAllMs
      console.log(
        `  stored on all ${NODES}: p50 ${ms(l.p50)}, p99 ${ms(l.p99)}, max ${ms(l.max)}; ` +
          `${fmt(reached)}/${fmt(run.count)} on all nodes within the drain time`,
      )
      console.log(
        `  HTTP answer p50 ${ms(r.httpAnswerMs.p50)}, stored on entry p50 ${ms(r.storedOnEntryMs.p50)}, ` +
          `entry -> all p50 ${ms(r.entryToAllMs.p50)} p99 ${ms(r.entryToAllMs.p99)}; ` +
          `sent ${fmt(r.submitRate)}/s, delivered ${fmt(r.deliveredRate)}/s; nodes ${fmt(sum(r.nodeCores), 2)} cores, ` +
          `client ${fmt(r.clientCores, 2)}, other processes ${fmt(r.otherCores, 2)}; HTTP ${JSON.stringify(r.httpStatuses)}; ` +
          `stored by source ${JSON.stringify(r.storedBySource)}`,
      )
      latency.push(r)
    }

    // ---------------------------------------------------------------- 2. partition
    console.log(`\npartition: 5/5 for ${PARTITION_SECONDS} s, ${PARTITION_RATE} msg/s per side`)
    const preConvergeMs = await devnet.waitConverged({ timeoutMs: 120_000 })
    const baseline = (await (nodes[0] as DevnetNode).info()).messageCount
    const sides = [nodes.slice(0, NODES / 2), nodes.slice(NODES / 2)]
    const sideArrivals = [arrivals.slice(0, NODES / 2), arrivals.slice(NODES / 2)]
    const p0 = performance.now()
    await devnet.partition(sides)
    await waitFor(
      async () => (await Promise.all(nodes.map((n) => n.info()))).every((i) => i.peers <= 4),
      'every node cut off from the other side',
      30_000,
    )
    const cutMs = performance.now() - p0

    const writeStart = performance.now()
    const splitLagMs = await pace(split.count, 2 * PARTITION_RATE, (j) => {
      const side = j % 2
      send(split.from + j, side * (NODES / 2) + (Math.floor(j / 2) % (NODES / 2)))
    })
    const writeSeconds = (performance.now() - writeStart) / 1000
    await waitFor(() => answered(split) === split.count, 'every write answered', DRAIN_MS)
    // Accepted writes per side (answered 2xx), and each side converged on them.
    const written = [0, 0]
    for (let j = 0; j < split.count; j++) {
      const s = status[split.from + j] as number
      if (s >= 200 && s < 300) (written[j % 2] as number)++
    }
    const sideConvergeMs: number[] = []
    const sideCounts: number[] = []
    for (const [k, side] of sides.entries()) {
      const start = performance.now()
      let last: { messageCount: number; stateRoot: string }[] = []
      const converged = await waitFor(
        async () => {
          last = await Promise.all(side.map((n) => n.info()))
          return (
            new Set(last.map((i) => i.stateRoot)).size === 1 &&
            last.every((i) => i.messageCount === baseline + (written[k] as number))
          )
        },
        `side ${k === 0 ? 'A' : 'B'} converged within itself`,
        60_000,
      ).then(
        () => true,
        (e: Error) => {
          console.log(
            `  ${e.message}: expected ${baseline} + ${written[k]} messages; counts ${last.map((i) => i.messageCount).join(', ')}; ` +
              `${new Set(last.map((i) => i.stateRoot)).size} distinct state roots`,
          )
          return false
        },
      )
      sideConvergeMs.push(converged ? performance.now() - start : Number.NaN)
      sideCounts.push(Math.max(...last.map((i) => i.messageCount)))
    }
    // Did anything cross the partition? (the other side's writes on a node)
    let leaked = 0
    for (let j = 0; j < split.count; j++)
      for (const a of sideArrivals[1 - (j % 2)] as Float64Array[])
        if (!Number.isNaN(a[split.from + j] as number)) leaked++

    const expected = (sideCounts[0] as number) + (sideCounts[1] as number) - baseline
    const healSources0 = await storedBySource()
    const h0 = performance.now()
    await devnet.heal()
    const healCallMs = performance.now() - h0
    // Meanwhile: when every node is connected to all 9 others again.
    const reconnected = waitFor(
      async () =>
        (await Promise.all(nodes.map((n) => n.info()))).every((i) => i.peers >= NODES - 1),
      'every node reconnected',
      120_000,
    ).then(() => performance.now() - h0)
    await devnet.waitConverged({ timeoutMs: 120_000, messages: expected })
    const reconvergeMs = performance.now() - h0
    const reconnectMs = await reconnected
    // The same from the event streams: when the last message written during the split was on every node.
    let lastCross = h0
    for (let i = split.from; i < split.from + split.count; i++)
      lastCross = Math.max(lastCross, lastArrival(i))
    const healSources = since(healSources0, await storedBySource())
    const infos = await Promise.all(nodes.map((n) => n.info()))
    const partition = {
      sides: sides.map((s) => s.map((n) => n.name)),
      /** Before the split: until every node had the same messages (the latency phases' backlog). */
      convergedBeforeMs: preConvergeMs,
      syncIntervalMs: SYNC_INTERVAL_MS,
      cutOffMs: cutMs,
      writeSeconds,
      ratePerSide: PARTITION_RATE,
      worstSubmitLagMs: splitLagMs,
      httpStatuses: statuses(split),
      writtenPerSide: written,
      sideConvergeMs,
      leakedAcrossPartition: leaked,
      baselineMessages: baseline,
      expectedMessages: expected,
      healCallMs,
      reconnectMs,
      reconvergeMs,
      lastSplitMessageOnAllMs: lastCross - h0,
      splitMessagesOnAll: storedOnAll(split),
      /** Messages stored from heal() until converged, summed over the nodes, by how they arrived. */
      storedBySourceAfterHeal: healSources,
      messageCounts: infos.map((i) => i.messageCount),
      stateRootsEqual: new Set(infos.map((i) => i.stateRoot)).size === 1,
      peersAfterHeal: infos.map((i) => i.peers),
    }
    console.log(`  reconverged ${ms(reconvergeMs)} after heal()`)
    return {
      startMs,
      latency,
      partition,
      unexpectedEvents: subs.map((s) => s.extra()),
      streamsCutOff: subs.filter((s) => s.ended()).length,
    }
  } finally {
    // Close the event streams first: a node's HTTP server waits for open connections when it stops.
    for (const s of subs) s.close()
    agent.destroy()
  }
}

// ---------------------------------------------------------------- report
console.log(
  `\nFreebird devnet: ${NODES} node processes on ${cpus().length} cores (full mesh, sync every ${SYNC_INTERVAL_MS} ms); ` +
    `submits: ${SUBMIT}\n`,
)
const columns: [string, number][] = [
  ['offered', 9],
  ['sent', 9],
  ['delivered', 11],
  ['p50', 10],
  ['p99', 10],
  ['max', 10],
  ['missing', 8],
  ['HTTP answer p50/p99', 22],
  ['entry->all p50/p99', 22],
  ['cores: nodes/client/other', 0],
]
const row = (cells: string[]) =>
  `  ${cells.map((c, k) => c.padEnd((columns[k] as [string, number])[1])).join(' ')}`.trimEnd()
console.log(row(columns.map(([name]) => name)))
for (const r of net.latency) {
  const l = r.latencyToAllMs
  console.log(
    row([
      `${fmt(r.offeredRate)}/s`,
      `${fmt(r.submitRate)}/s`,
      `${fmt(r.deliveredRate)}/s`,
      ms(l.p50),
      ms(l.p99),
      ms(l.max),
      String(r.notOnAllAfterDrain),
      `${ms(r.httpAnswerMs.p50)} / ${ms(r.httpAnswerMs.p99)}`,
      `${ms(r.entryToAllMs.p50)} / ${ms(r.entryToAllMs.p99)}`,
      [sum(r.nodeCores), r.clientCores, r.otherCores].map((c) => fmt(c, 2)).join(' / '),
    ]),
  )
}
for (const r of net.latency) {
  console.log(
    `  ${fmt(r.offeredRate)} msg/s, p99 by second of the run: ${r.p99BySecondMs.map((x) => fmt(x)).join(', ')} ms; ` +
      `HTTP ${JSON.stringify(r.httpStatuses)}; worst submit lag ${ms(r.worstSubmitLagMs)}; drain ${ms(r.drainMs)}`,
  )
  if (r.deliveredRate < 0.95 * r.offeredRate)
    console.log(
      `    NOT sustained: ${fmt(r.offeredRate)} msg/s offered, ${fmt(r.deliveredRate)} msg/s stored on all nodes; ` +
        'the latency above is mostly time in queues',
    )
}
const p = net.partition
console.log(
  `\n  partition ${p.sides.map((s) => s.join(',')).join(' | ')} (sync every ${p.syncIntervalMs} ms): ` +
    `cut off after ${ms(p.cutOffMs)}; ${fmt(p.writeSeconds, 1)} s of writes at ${p.ratePerSide} msg/s per side, ` +
    `${p.writtenPerSide.map((n) => fmt(n)).join(' + ')} accepted (A + B), ${p.leakedAcrossPartition} seen across the split; ` +
    `each side converged ${p.sideConvergeMs.map(ms).join(' / ')} after the writes`,
)
console.log(
  `  heal -> one state root and ${fmt(p.expectedMessages)} messages on all ${NODES}: ${ms(p.reconvergeMs)} ` +
    `(every node reconnected to all others after ${ms(p.reconnectMs)}; the last split message on all nodes ` +
    `${ms(p.lastSplitMessageOnAllMs)} after heal, by the event streams)`,
)
console.log(
  `  after heal: state roots ${p.stateRootsEqual ? 'equal' : 'DIFFER'}, peers ${p.peersAfterHeal.join(',')}; ` +
    `messages stored meanwhile by source ${JSON.stringify(p.storedBySourceAfterHeal)}`,
)
console.log(
  `  event streams: ${net.streamsCutOff} cut off by a node; unexpected events ${net.unexpectedEvents.join(',')}`,
)

const svg = histogramSvg({
  title: `Freebird devnet: submit -> stored on all ${NODES} nodes`,
  subtitle: `${NODES} node processes on ${cpus().length} cores, ${SECONDS} s per rate after a ${WARMUP_SECONDS} s warm-up; ${SUBMIT}`,
  xLabel: 'latency (ms)',
  unit: ' ms',
  series: net.latency.map((r) => ({
    name: `${fmt(r.offeredRate)} msg/s offered, ${fmt(r.deliveredRate)}/s delivered (${fmt(r.reachedAll)} msgs)`,
    values: r.latencies,
    markers: [
      { label: `${fmt(r.offeredRate)}/s p50`, value: r.latencyToAllMs.p50 },
      { label: `${fmt(r.offeredRate)}/s p99`, value: r.latencyToAllMs.p99 },
    ],
  })),
})
const svgFile = new URL('results/devnet-latency.svg', import.meta.url)
writeFileSync(svgFile, svg)
console.log(`\n  chart written to ${svgFile.pathname}`)

const strip = ({ latencies, ...rest }: (typeof net.latency)[number]) => rest
writeResults('devnet', 'Freebird devnet: propagation latency and partition reconvergence', {
  nodes: NODES,
  submit: SUBMIT,
  syncIntervalMs: SYNC_INTERVAL_MS,
  seconds: SECONDS,
  warmupSeconds: WARMUP_SECONDS,
  devnetStartMs: net.startMs,
  benchSeconds: (performance.now() - t0) / 1000,
  machineBusyBeforeCores: busyBefore,
  latency: net.latency.map(strip),
  partition: net.partition,
  unexpectedEvents: net.unexpectedEvents,
  streamsCutOff: net.streamsCutOff,
  chart: 'devnet-latency.svg',
})
