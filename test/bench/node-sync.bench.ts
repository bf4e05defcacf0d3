/**
 * Anti-entropy sync between `freebird node` processes (Negentropy V1 rounds
 * over /sync/1.0.0, the missing messages fetched over /fetch/1.0.0 in batches
 * of 1,024 ids and each one validated by the receiving node's ingest pipeline).
 * Every node runs with --sync-interval 0: only the sync the dialer starts on a
 * new outbound connection runs, so each figure is one session.
 *
 * (1) Catch-up: node B (bootstrapped to A) holds the same
 *     FREEBIRD_BENCH_SYNC_BASE posts as A, is stopped (SIGTERM), A is given
 *     FREEBIRD_BENCH_SYNC_MISSED newer posts, and B is restarted on the same
 *     data dir with --bootstrap A. Measured: time from B's process start until
 *     B's stateRoot and messageCount equal A's (target <= 20 s), and the bytes
 *     the session moved (target <= 1.3 x the envelope bytes of the missed
 *     messages), from libp2p's per-protocol counters on B
 *     (libp2p_data_transfer_bytes_total, /sync + /fetch + /push, both ways:
 *     stream payload with its length prefixes; noise and yamux framing and the
 *     multistream-select handshake are not in it). A framing estimate from B's
 *     session stats (Negentropy bytes + 32 bytes per fetched id + each
 *     envelope with its varint prefix) and B's whole TCP traffic (all
 *     protocols, after encryption) are printed beside it.
 * (2) Full sync: an empty node C starts with --bootstrap pointing at a node
 *     holding FREEBIRD_BENCH_SYNC_FULL posts (A topped up, or a fresh node
 *     when FULL is below what A holds). Measured: time from C's process start
 *     until C's stateRoot equals the source's, messages per second (target
 *     >= 10,000), rounds, bytes, and where the CPU of both nodes went
 *     (/proc, per thread name), with the rate printed every 5 s.
 * Both phases also count synced messages the syncing node published again on
 * gossip and what the source did with them (the "gossip echo"; 0 since sync
 * input is no longer gossiped).
 * Posts: ~200-byte text from 1,000 authors (node-helpers.ts), generated in
 * batches of 50,000 between submissions over the libp2p submit protocol;
 * the fills are not timed. Both nodes share this machine's cores with each
 * other (and with this process, idle while a sync runs).
 *   node bench/node-sync.bench.ts
 *   FREEBIRD_BENCH_SYNC_MISSED=10000 FREEBIRD_BENCH_SYNC_FULL=50000 node bench/node-sync.bench.ts
 * Env: FREEBIRD_BENCH_SYNC_MISSED (100000), FREEBIRD_BENCH_SYNC_FULL (1000000),
 *      FREEBIRD_BENCH_SYNC_BASE (100000; may be 0: B then starts empty)
 */
import { cpus } from 'node:os'
import { parseNetworkId } from '@freebird/protocol'
import type { Libp2p } from 'libp2p'
import type { NodeInfo } from '../e2e/harness.ts'
import {
  AUTHORS,
  cpuMeter,
  createClient,
  envInt,
  fmt,
  makePosts,
  mib,
  type NodeProcess,
  networkOf,
  procStatus,
  stopNode,
  submitAll,
  TEXT_BYTES,
  varint,
  withNodes,
  writeResults,
} from './node-helpers.ts'

/** A count that may be 0. */
function envCount(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be an integer >= 0`)
  return v
}

const MISSED = envInt('FREEBIRD_BENCH_SYNC_MISSED', 100_000)
const FULL = envInt('FREEBIRD_BENCH_SYNC_FULL', 1_000_000)
const BASE = envCount('FREEBIRD_BENCH_SYNC_BASE', 100_000)
const CATCH_UP_TARGET_S = 20
const WIRE_TARGET = 1.3
const FULL_TARGET = 10_000

const BATCH = 50_000
const STREAMS = 2
const WINDOW = 2000
const BATCH_TIMEOUT_MS = 300_000
const POLL_MS = 100
const PROGRESS_MS = 5_000
/** A sync ended while the state roots still differ: nothing else will close the gap (no periodic sync). */
const GRACE_AFTER_SESSION_MS = 5_000
const FETCH_BATCH = 1_024
const ID_BYTES = 32
const NODE_FLAGS = ['--sync-interval', '0']
/** Every timestamp is in the past, distinct, and the same post number has the same one in each phase. */
const BASE_TIME = Date.now() - Math.max(FULL, BASE + MISSED) - 60_000

type SessionStats = NodeInfo['sync']['lastSync'][number] & {
  at: string
  bytesSent: number
  bytesReceived: number
  skipped: number
  durationMs: number
  error?: { code: string; message?: string }
}

// ------------------------------------------------------------------ filling a node

interface Filled {
  posts: number
  /** Envelope bytes (what a node stores and serves). */
  envelopeBytes: number
  /** Envelope bytes + their varint length prefixes (a fetch answer's frames). */
  frameBytes: number
  submitSeconds: number
  generateSeconds: number
}

/** Submits posts number `from` .. `from + count - 1` to `node`, generated in batches between submissions. */
async function fill(
  client: Libp2p,
  node: NodeProcess,
  from: number,
  count: number,
  label: string,
): Promise<Filled> {
  const { network, protocol } = await networkOf(node)
  const networkId = parseNetworkId(network)
  const out: Filled = {
    posts: count,
    envelopeBytes: 0,
    frameBytes: 0,
    submitSeconds: 0,
    generateSeconds: 0,
  }
  const before = (await node.info()).messageCount
  for (let at = from; at < from + count; at += BATCH) {
    const n = Math.min(BATCH, from + count - at)
    let t = performance.now()
    const posts = makePosts(networkId, at, n, BASE_TIME)
    out.generateSeconds += (performance.now() - t) / 1000
    for (const f of posts.frames) out.frameBytes += f.length
    for (const b of posts.bytes) out.envelopeBytes += b.length
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
    out.submitSeconds += ms / 1000
    if ((load.statuses.stored ?? 0) !== n) {
      throw new Error(`${label}: ${n} posts submitted, answers ${JSON.stringify(load.statuses)}`)
    }
    console.log(
      `  ${label}: ${fmt(at + n - from).padStart(9)} / ${fmt(count)} posts submitted ` +
        `(batch at ${fmt((n / ms) * 1000)} msg/s)`,
    )
  }
  const after = (await node.info()).messageCount
  if (after !== before + count) {
    throw new Error(`${label}: messageCount ${after}, expected ${before + count}`)
  }
  return out
}

// ------------------------------------------------------------------ readings

/** libp2p_data_transfer_bytes_total by its `protocol` label ("<protocol> sent", "global received"...). */
async function transfer(node: NodeProcess): Promise<Record<string, number>> {
  const text = await (await fetch(`${node.url}/metrics`)).text()
  const out: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const m = /^libp2p_data_transfer_bytes_total\{protocol="([^"]+)"\} (\S+)$/.exec(line)
    if (m) out[m[1] as string] = Number(m[2])
  }
  return out
}

interface Wire {
  /** Payload bytes of each sync protocol stream, by "<sync|fetch|push> <sent|received>". */
  byProtocol: Record<string, number>
  /** Sum over /sync, /fetch and /push, both directions. */
  syncTotal: number
  /** Gossipsub payload, both directions (synced messages are published again). */
  gossip: number
  /** Every byte of the node's TCP connections (all protocols, noise + yamux framing). */
  tcp: number
}

function wireOf(
  now: Record<string, number>,
  before: Record<string, number>,
  network: string,
): Wire {
  const delta = (key: string) => (now[key] ?? 0) - (before[key] ?? 0)
  const byProtocol: Record<string, number> = {}
  for (const p of ['sync', 'fetch', 'push']) {
    for (const dir of ['sent', 'received']) {
      byProtocol[`${p} ${dir}`] = delta(`/freebird/${network}/${p}/1.0.0 ${dir}`)
    }
  }
  let gossip = 0
  for (const key of Object.keys(now)) if (key.startsWith('/meshsub/')) gossip += delta(key)
  return {
    byProtocol,
    syncTotal: Object.values(byProtocol).reduce((a, b) => a + b, 0),
    gossip,
    tcp: delta('global sent') + delta('global received'),
  }
}

/**
 * Bytes the session must have moved, from its stats and the protocol framing:
 * Negentropy frames with their prefixes, fetch requests (32 bytes per id, at
 * most 1,024 ids and a 3-byte prefix per request; fewer ids per request only
 * adds prefixes) and every fetched envelope with its varint prefix.
 */
function framingEstimate(s: SessionStats, envelopeFrameBytes: number): number {
  const negentropy =
    s.bytesSent +
    s.bytesReceived +
    s.rounds *
      (varint(Math.ceil(s.bytesSent / Math.max(1, s.rounds))).length +
        varint(Math.ceil(s.bytesReceived / Math.max(1, s.rounds))).length)
  const requests = Math.ceil(s.fetched / FETCH_BATCH)
  return negentropy + s.fetched * ID_BYTES + requests * 3 + envelopeFrameBytes
}

interface Caught {
  /** performance.now() when the roots matched. */
  at: number
  info: NodeInfo
  session: SessionStats
  progress: { seconds: number; messages: number; perSec: number }[]
}

/**
 * Polls `node` every 100 ms until its stateRoot and messageCount equal
 * `target`'s, then until its session with `peer` is recorded. Every 5 s it
 * reports (and keeps) the rate so far. Fails at `timeoutMs`, or soon after the
 * session ended if the roots still differ (nothing else would sync them).
 */
async function catchUp(
  node: NodeProcess,
  target: NodeInfo,
  peer: string,
  startedAt: number,
  timeoutMs: number,
  label: string,
  extra: () => string = () => '',
): Promise<Caught> {
  const deadline = startedAt + timeoutMs
  const progress: Caught['progress'] = []
  let lastAt = startedAt
  let lastCount = -1
  let matched: number | undefined
  let sessionEnded: number | undefined
  for (;;) {
    const now = performance.now()
    if (now > deadline) {
      throw new Error(`${label}: not caught up after ${timeoutMs / 1000} s`)
    }
    let info: NodeInfo | undefined
    // The HTTP server is up once the node logged 'node started'; a restart may race the first poll.
    try {
      info = await node.info()
    } catch {}
    if (info) {
      if (lastCount < 0) lastCount = info.messageCount
      if (now - lastAt >= PROGRESS_MS) {
        const perSec = ((info.messageCount - lastCount) / (now - lastAt)) * 1000
        progress.push({
          seconds: (now - startedAt) / 1000,
          messages: info.messageCount,
          perSec,
        })
        console.log(
          `  ${label}: ${fmt((now - startedAt) / 1000, 1).padStart(6)} s  ${fmt(info.messageCount).padStart(9)} / ${fmt(target.messageCount)} messages, ` +
            `${fmt(perSec).padStart(6)} msg/s over the last ${fmt((now - lastAt) / 1000, 1)} s${extra()}`,
        )
        lastAt = now
        lastCount = info.messageCount
      }
      const equal = info.stateRoot === target.stateRoot && info.messageCount === target.messageCount
      if (equal) matched ??= now
      const session = (info.sync.lastSync as SessionStats[]).find((s) => s.peer === peer)
      const ended = session !== undefined && info.sync.running === 0
      if (matched !== undefined && ended) {
        return { at: matched, info, session: session as SessionStats, progress }
      }
      if (ended && !equal) {
        sessionEnded ??= now
        if (now - sessionEnded > GRACE_AFTER_SESSION_MS) {
          throw new Error(
            `${label}: the sync session ended but the nodes differ ` +
              `(${info.messageCount} vs ${target.messageCount} messages): ${JSON.stringify(session)}`,
          )
        }
      }
    }
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
}

/**
 * For the progress lines: the cores `node` and `other` used since the last
 * call, the whole machine's (what else competed), and `node`'s resident memory.
 */
function coresSince(node: NodeProcess, other: NodeProcess, name: string, otherName: string) {
  const pid = node.child.pid as number
  const otherPid = other.child.pid as number
  let meters = [cpuMeter(pid), cpuMeter(otherPid)] as const
  return () => {
    const [n, o] = [meters[0](), meters[1]()]
    meters = [cpuMeter(pid), cpuMeter(otherPid)]
    return (
      `; cores: ${name} ${fmt(n.nodeCores, 2)}, ${otherName} ${fmt(o.nodeCores, 2)}, ` +
      `rest of the machine ${fmt(Math.max(0, n.machineCores - n.nodeCores - o.nodeCores), 2)}; ` +
      `${name} RSS ${mib(procStatus(pid).rssBytes)}`
    )
  }
}

/**
 * What the source does with the synced messages the syncing node publishes
 * again on gossip: each arrives, goes through ingest (signature check
 * included) and ends as a duplicate.
 */
async function echoOf(node: NodeProcess) {
  return {
    gossipReceived: await node.metric('freebird_gossip_received_total'),
    gossipDuplicates: await node.metric('freebird_messages_refused_total', {
      outcome: 'duplicate',
      source: 'gossip',
    }),
  }
}

/** Waits (up to 60 s) until the source has worked through the echoes: its gossip count stays put for 1 s. */
async function settleEcho(node: NodeProcess): Promise<void> {
  const end = performance.now() + 60_000
  let last = -1
  let since = performance.now()
  while (performance.now() < end) {
    const n = (await echoOf(node)).gossipReceived
    if (n !== last) {
      last = n
      since = performance.now()
    } else if (performance.now() - since >= 1_000) return
    await new Promise((r) => setTimeout(r, 200))
  }
}

function deltaEcho(now: Awaited<ReturnType<typeof echoOf>>, before: typeof now) {
  return {
    receivedBySource: now.gossipReceived - before.gossipReceived,
    duplicatesAtSource: now.gossipDuplicates - before.gossipDuplicates,
  }
}

const threadsText = (threads: Record<string, number>) =>
  Object.entries(threads)
    .filter(([, cores]) => cores >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([name, cores]) => `${name} ${fmt(cores, 2)}`)
    .join(', ')

// ------------------------------------------------------------------ the run

const began = performance.now()
const result = await withNodes(async (start) => {
  const client = await createClient()
  try {
    // ---- (1) catch-up
    const a = await start(NODE_FLAGS)
    const { network } = await networkOf(a)
    console.log(
      `node A ${a.peerId.slice(-8)}: posts from ${AUTHORS} authors (${TEXT_BYTES}-byte text), batches of ${fmt(BATCH)}`,
    )
    const none: Filled = {
      posts: 0,
      envelopeBytes: 0,
      frameBytes: 0,
      submitSeconds: 0,
      generateSeconds: 0,
    }
    const base = BASE > 0 ? await fill(client, a, 0, BASE, 'A, shared base') : none
    const bootstrapA = ['--bootstrap', a.multiaddrs[0] as string]
    let t = performance.now()
    const b = await start([...NODE_FLAGS, ...bootstrapA])
    const aBase = await a.info()
    const initial = await catchUp(
      b,
      aBase,
      a.peerId,
      t,
      600_000,
      'B, initial sync',
      coresSince(b, a, 'B', 'A'),
    )
    const initialSeconds = (initial.at - t) / 1000
    console.log(
      `  B ${b.peerId.slice(-8)} holds A's ${fmt(aBase.messageCount)} messages after ${fmt(initialSeconds, 1)} s; stopping B: ${await stopNode(b)}`,
    )

    const missed = await fill(client, a, BASE, MISSED, 'A, while B is down')
    const aTarget = await a.info()
    const aBefore = await transfer(a)
    const aEcho0 = await echoOf(a)
    console.log(
      `  restarting B on its data dir (${fmt(aBase.messageCount)} messages) with --bootstrap A (${fmt(aTarget.messageCount)})`,
    )
    t = performance.now()
    const restarting = b.start([...NODE_FLAGS, ...bootstrapA])
    const bMeter = cpuMeter(b.child.pid as number)
    const aMeter = cpuMeter(a.child.pid as number)
    await restarting
    const bStartedSeconds = (performance.now() - t) / 1000
    const caught = await catchUp(
      b,
      aTarget,
      a.peerId,
      t,
      Math.max(300_000, MISSED * 3),
      'B, catch-up',
      coresSince(b, a, 'B', 'A'),
    )
    const bCpu = bMeter()
    const aCpu = aMeter()
    const catchUpSeconds = (caught.at - t) / 1000
    await settleEcho(a)
    const bWire = wireOf(await transfer(b), {}, network)
    const aWire = wireOf(await transfer(a), aBefore, network)
    const estimate = framingEstimate(caught.session, missed.frameBytes)
    const catchUpResult = {
      base: BASE,
      missed: MISSED,
      messageCount: caught.info.messageCount,
      stateRootEqual: caught.info.stateRoot === aTarget.stateRoot,
      seconds: catchUpSeconds,
      nodeStartedSeconds: bStartedSeconds,
      sessionSeconds: caught.session.durationMs / 1000,
      perSec: MISSED / catchUpSeconds,
      targetSeconds: CATCH_UP_TARGET_S,
      rawBytes: missed.envelopeBytes,
      wireBytes: bWire.syncTotal,
      wireSource: 'libp2p_data_transfer_bytes_total on B: /sync + /fetch + /push, sent + received',
      wireRatio: bWire.syncTotal / missed.envelopeBytes,
      wireTarget: WIRE_TARGET,
      framingEstimateBytes: estimate,
      wireOnB: bWire,
      wireOnA: aWire,
      gossipEcho: {
        publishedByB: await b.metric('freebird_gossip_published_total'),
        ...deltaEcho(await echoOf(a), aEcho0),
      },
      session: caught.session,
      bCpu,
      aCpu,
      initialSyncOfBase: { messages: aBase.messageCount, seconds: initialSeconds },
      progress: caught.progress,
    }
    console.log(`  B caught up after ${fmt(catchUpSeconds, 1)} s; stopping B: ${await stopNode(b)}`)
    b.remove()

    // ---- (2) full sync into an empty node
    let source = a
    // What the source holds, as envelopes and as fetch answers frame them.
    let held = { envelope: 0, frame: 0 }
    const add = (x: Filled) => {
      held = { envelope: held.envelope + x.envelopeBytes, frame: held.frame + x.frameBytes }
    }
    if (aTarget.messageCount <= FULL) {
      add(base)
      add(missed)
      if (aTarget.messageCount < FULL) {
        add(await fill(client, a, BASE + MISSED, FULL - aTarget.messageCount, 'A, topped up'))
      }
    } else {
      console.log(
        `  A holds more than ${fmt(FULL)}: stopping it (${await stopNode(a)}); new node S`,
      )
      a.remove()
      source = await start(NODE_FLAGS)
      add(await fill(client, source, 0, FULL, 'S, source of the full sync'))
    }
    const sourceInfo = await source.info()
    const sourceBefore = await transfer(source)
    const sourceEcho0 = await echoOf(source)
    console.log(
      `  empty node C starts with --bootstrap ${source === a ? 'A' : 'S'} (${fmt(sourceInfo.messageCount)} messages)`,
    )
    t = performance.now()
    const cNode = await start([...NODE_FLAGS, '--bootstrap', source.multiaddrs[0] as string])
    // From 'node started' on (the sync starts then): the start-up itself is not in the CPU figures.
    const cMeter = cpuMeter(cNode.child.pid as number)
    const sMeter = cpuMeter(source.child.pid as number)
    const cStartedSeconds = (performance.now() - t) / 1000
    const full = await catchUp(
      cNode,
      sourceInfo,
      source.peerId,
      t,
      Math.max(600_000, FULL * 5),
      'C, full sync',
      coresSince(cNode, source, 'C', 'source'),
    )
    const cCpu = cMeter()
    const sCpu = sMeter()
    const fullSeconds = (full.at - t) / 1000
    await settleEcho(source)
    const cWire = wireOf(await transfer(cNode), {}, network)
    const sWire = wireOf(await transfer(source), sourceBefore, network)
    const cMem = procStatus(cNode.child.pid as number)
    const fullResult = {
      messages: sourceInfo.messageCount,
      messageCount: full.info.messageCount,
      stateRootEqual: full.info.stateRoot === sourceInfo.stateRoot,
      seconds: fullSeconds,
      nodeStartedSeconds: cStartedSeconds,
      sessionSeconds: full.session.durationMs / 1000,
      perSec: sourceInfo.messageCount / fullSeconds,
      targetPerSec: FULL_TARGET,
      rawBytes: held.envelope,
      wireBytes: cWire.syncTotal,
      wireRatio: cWire.syncTotal / held.envelope,
      framingEstimateBytes: framingEstimate(full.session, held.frame),
      wireOnC: cWire,
      wireOnSource: sWire,
      gossipEcho: {
        publishedByC: await cNode.metric('freebird_gossip_published_total'),
        ...deltaEcho(await echoOf(source), sourceEcho0),
      },
      session: full.session,
      cCpu,
      sourceCpu: sCpu,
      cRssBytes: cMem.rssBytes,
      cPeakRssBytes: cMem.hwmBytes,
      progress: full.progress,
    }
    console.log(
      `  C caught up after ${fmt(fullSeconds, 1)} s; stopping C: ${await stopNode(cNode)}`,
    )
    return { catchUp: catchUpResult, full: fullResult }
  } finally {
    await client.stop()
  }
})

// ------------------------------------------------------------------ report

const c = result.catchUp
const f = result.full
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')
const rows: [string, string, string][] = [
  [
    `catch-up, ${fmt(c.missed)} missed (B holds ${fmt(c.base)}): time to equal stateRoot`,
    `${fmt(c.seconds, 1)} s`,
    `<= ${c.targetSeconds} s: ${verdict(c.seconds <= c.targetSeconds)}`,
  ],
  ['  rate (missed messages / time from B process start)', `${fmt(c.perSec)} msg/s`, ''],
  [
    '  bytes: /sync + /fetch + /push payload, both ways (libp2p counters on B)',
    `${mib(c.wireBytes)} = ${fmt(c.wireRatio, 3)} x raw ${mib(c.rawBytes)}`,
    `<= ${c.wireTarget} x: ${verdict(c.wireRatio <= c.wireTarget)}`,
  ],
  ['  bytes: framing estimate from the session stats', mib(c.framingEstimateBytes), ''],
  [
    '  bytes: all of B TCP traffic (every protocol, encrypted)',
    `${mib(c.wireOnB.tcp)} (gossip payload ${mib(c.wireOnB.gossip)})`,
    '',
  ],
  [
    '  gossip echo: synced messages B published, A received / found duplicate',
    `${fmt(c.gossipEcho.publishedByB)}, ${fmt(c.gossipEcho.receivedBySource)} / ${fmt(c.gossipEcho.duplicatesAtSource)}`,
    '',
  ],
  [
    '  B session',
    `${c.session.rounds} rounds, Negentropy ${fmt(c.session.bytesSent)} B sent / ${fmt(c.session.bytesReceived)} B received, ` +
      `need ${fmt(c.session.need)}, have ${fmt(c.session.have)}, skipped ${fmt(c.session.skipped)}, ` +
      `fetched ${fmt(c.session.fetched)}, pushed ${fmt(c.session.pushed)}, ${fmt(c.sessionSeconds, 1)} s` +
      (c.session.error ? `, error ${c.session.error.code}` : ''),
    '',
  ],
  ['  B process start to node started', `${fmt(c.nodeStartedSeconds, 2)} s`, ''],
  [
    `full sync of ${fmt(f.messages)} into an empty node: time to equal stateRoot`,
    `${fmt(f.seconds, 1)} s`,
    '',
  ],
  [
    '  rate (messages / time from C process start)',
    `${fmt(f.perSec)} msg/s`,
    `>= ${fmt(f.targetPerSec)}: ${verdict(f.perSec >= f.targetPerSec)}`,
  ],
  [
    '  bytes: /sync + /fetch + /push payload, both ways (libp2p counters on C)',
    `${mib(f.wireBytes)} = ${fmt(f.wireRatio, 3)} x raw ${mib(f.rawBytes)}`,
    '',
  ],
  ['  bytes: framing estimate from the session stats', mib(f.framingEstimateBytes), ''],
  [
    '  bytes: all of C TCP traffic (every protocol, encrypted)',
    `${mib(f.wireOnC.tcp)} (gossip payload ${mib(f.wireOnC.gossip)})`,
    '',
  ],
  [
    '  gossip echo: synced messages C published, source received / found duplicate',
    `${fmt(f.gossipEcho.publishedByC)}, ${fmt(f.gossipEcho.receivedBySource)} / ${fmt(f.gossipEcho.duplicatesAtSource)}`,
    '',
  ],
  [
    '  C session',
    `${f.session.rounds} rounds, Negentropy ${fmt(f.session.bytesSent)} B sent / ${fmt(f.session.bytesReceived)} B received, ` +
      `need ${fmt(f.session.need)}, fetched ${fmt(f.session.fetched)}, pushed ${fmt(f.session.pushed)}, ${fmt(f.sessionSeconds, 1)} s` +
      (f.session.error ? `, error ${f.session.error.code}` : ''),
    '',
  ],
  [
    '  CPU during the sync, cores',
    `C ${fmt(f.cCpu.nodeCores, 2)}, source ${fmt(f.sourceCpu.nodeCores, 2)}, this process ${fmt(f.cCpu.clientCores, 2)}, ` +
      `whole machine ${fmt(f.cCpu.machineCores, 2)} of ${cpus().length} ` +
      `(other processes and kernel ${fmt(Math.max(0, f.cCpu.machineCores - f.cCpu.nodeCores - f.sourceCpu.nodeCores - f.cCpu.clientCores), 2)})`,
    '',
  ],
  ['  C cores by thread', threadsText(f.cCpu.nodeThreads), ''],
  ['  source cores by thread', threadsText(f.sourceCpu.nodeThreads), ''],
  ['  C memory', `RSS ${mib(f.cRssBytes)}, peak ${mib(f.cPeakRssBytes)}`, ''],
]

console.log(
  `\nFreebird node sync (Negentropy V1 + fetch over libp2p), node processes on one ${cpus().length}-core machine\n`,
)
const w0 = Math.max(...rows.map((r) => r[0].length))
const w1 = Math.max(...rows.filter((r) => r[1].length < 60).map((r) => r[1].length))
for (const [label, value, target] of rows) {
  console.log(`  ${label.padEnd(w0)}  ${value.padEnd(w1)}  ${target}`.trimEnd())
}
console.log(
  `\n  catch-up CPU: B ${fmt(c.bCpu.nodeCores, 2)} cores (${threadsText(c.bCpu.nodeThreads)}); ` +
    `A ${fmt(c.aCpu.nodeCores, 2)} cores (${threadsText(c.aCpu.nodeThreads)}); whole machine ${fmt(c.bCpu.machineCores, 2)}`,
)
console.log(
  `  bytes counted on the other side (A for catch-up, source for full): ${mib(c.wireOnA.syncTotal)}, ${mib(f.wireOnSource.syncTotal)}`,
)
console.log(`  whole run: ${fmt((performance.now() - began) / 1000, 1)} s`)
writeResults('node-sync', 'Freebird node sync', result)
