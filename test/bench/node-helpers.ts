/**
 * Shared pieces of the node benchmarks (node-*.bench.ts): message generation,
 * node processes with guaranteed cleanup, an HTTP load client, a libp2p submit
 * client, /proc readings and a results writer in the style of harness.ts.
 * Every node runs as its own OS process (test/e2e/harness.ts) on 127.0.0.1.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { type Agent, request } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { createNodeSigner } from '@freebird/node-verifier'
import { buildPostAdd, decodeCanonical, type Signer } from '@freebird/protocol'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { NodeProcess, splitResponses, varint } from '../e2e/harness.ts'

export { NodeProcess, varint, waitFor } from '../e2e/harness.ts'

// ------------------------------------------------------------------ messages

export const AUTHORS = 1000
export const TEXT_BYTES = 200

let signers: Signer[] | undefined
/** The same 1,000 authors in every run (seeds 1..1000), as in protocol.bench.ts. */
export function authors(): Signer[] {
  signers ??= Array.from({ length: AUTHORS }, (_, i) => {
    const seed = new Uint8Array(32)
    new DataView(seed.buffer).setUint32(0, i + 1)
    return createNodeSigner(seed)
  })
  return signers
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz    '
/**
 * A distinct text of exactly TEXT_BYTES ASCII bytes for post number `i`:
 * pseudo-random letters and spaces, so that LevelDB's compression does not
 * flatter the disk figures (real text compresses somewhat better).
 */
export function textOf(i: number): string {
  let x = (i + 1) * 0x9e3779b1
  let text = `post ${i} `
  while (text.length < TEXT_BYTES) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    text += LETTERS[(x >>> 0) % LETTERS.length]
  }
  return text
}

export interface Posts {
  /** Envelope bytes (the HTTP body; a view into `frames`). */
  bytes: Uint8Array[]
  /** Unsigned-varint length prefix + envelope (a submit-protocol frame). */
  frames: Uint8Array[]
  /** Message ids, hex. */
  ids: string[]
}

/**
 * Signed posts number `from` .. `from + count - 1`, round-robin over the
 * authors, with distinct timestamps in the past (`baseTime + i`).
 */
export function makePosts(network: Uint8Array, from: number, count: number, baseTime: number) {
  const signer = authors()
  const out: Posts = { bytes: [], frames: [], ids: [] }
  for (let i = from; i < from + count; i++) {
    const m = buildPostAdd(
      { text: textOf(i) },
      { network, signer: signer[i % AUTHORS] as Signer, timestamp: baseTime + i },
    )
    const prefix = varint(m.bytes.length)
    const frame = new Uint8Array(prefix.length + m.bytes.length)
    frame.set(prefix)
    frame.set(m.bytes, prefix.length)
    out.frames.push(frame)
    out.bytes.push(frame.subarray(prefix.length))
    out.ids.push(Buffer.from(m.id).toString('hex'))
  }
  return out
}

// ------------------------------------------------------------------ node processes

/**
 * Runs `body` with a way to start node processes; whatever happens (error,
 * timeout, SIGINT), every node started is stopped and its data dir removed.
 */
export async function withNodes<T>(
  body: (start: (extra?: string[]) => Promise<NodeProcess>) => Promise<T>,
): Promise<T> {
  const nodes: NodeProcess[] = []
  const cleanup = async () => {
    await Promise.all(nodes.map(stopNode))
    for (const n of nodes) n.remove()
    nodes.length = 0
  }
  const onSignal = () => {
    void cleanup().finally(() => process.exit(130))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    return await body(async (extra = []) => {
      const n = new NodeProcess()
      nodes.push(n)
      await n.start(extra)
      return n
    })
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await cleanup()
  }
}

/** SIGTERM, then SIGKILL if the node has not exited within `graceMs`. Returns how it ended. */
export async function stopNode(n: NodeProcess, graceMs = 15_000): Promise<string> {
  if (!n.child || n.child.exitCode !== null || n.child.signalCode !== null) return 'not running'
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const code = await Promise.race([
    n.stop(),
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs)
    }),
  ])
  clearTimeout(timer)
  if (code === 'timeout') {
    await n.kill()
    return `killed after ${graceMs} ms`
  }
  return `exit ${code} after ${Math.round(performance.now() - started)} ms`
}

// ------------------------------------------------------------------ /proc

/** Kernel counters of a process (Linux): resident memory and CPU time of all its threads. */
export function procStatus(pid: number): { rssBytes: number; hwmBytes: number; cpuSec: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1])
  // Fields after the command name (which may hold spaces): utime is the 14th, stime the 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(rest[11]) + Number(rest[12])
  return { rssBytes: kb('VmRSS') * 1024, hwmBytes: kb('VmHWM') * 1024, cpuSec: ticks / 100 }
}

/** Bytes of all files under `dir`. */
export function dirBytes(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    total += entry.isDirectory() ? dirBytes(path) : statSync(path).size
  }
  return total
}

/**
 * CPU seconds of a process's threads, summed by thread name (Linux names:
 * MainThread, WorkerThread = worker_threads such as the verify pool,
 * libuv-worker = the threadpool LevelDB runs on, V8Worker = GC and compiler).
 */
export function threadCpu(pid: number): Record<string, number> {
  const out: Record<string, number> = {}
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    } catch {
      continue // the thread ended meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    out[name] = (out[name] ?? 0) + (Number(rest[11]) + Number(rest[12])) / 100
  }
  return out
}

/**
 * CPU used by this process and by a node process between start() and the
 * returned function's call, in cores (CPU seconds per wall second).
 */
export function cpuMeter(pid: number) {
  const t0 = performance.now()
  const self0 = process.cpuUsage()
  const node0 = procStatus(pid).cpuSec
  const threads0 = threadCpu(pid)
  const machine0 = machineCpu()
  return () => {
    const wall = (performance.now() - t0) / 1000
    const self = process.cpuUsage(self0)
    const machine = machineCpu()
    const threads = Object.fromEntries(
      Object.entries(threadCpu(pid)).map(([name, sec]) => [
        name,
        (sec - (threads0[name] ?? 0)) / wall,
      ]),
    )
    return {
      nodeCores: (procStatus(pid).cpuSec - node0) / wall,
      /** The node's cores by thread name (threads that ended are not counted). */
      nodeThreads: threads,
      clientCores: (self.user + self.system) / 1e6 / wall,
      /** Every process on the machine (from /proc/stat): what else competed. */
      machineCores: (machine.busy - machine0.busy) / wall,
    }
  }
}

/** CPU seconds the whole machine spent busy (all cores, /proc/stat), and idle. */
function machineCpu(): { busy: number; idle: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] as string
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .split(/\s+/)
    .slice(1)
    .map(Number) as number[]
  return {
    busy:
      ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) /
      100,
    idle: ((idle ?? 0) + (iowait ?? 0)) / 100,
  }
}

// ------------------------------------------------------------------ load: HTTP

export interface LoadResult {
  /** Answers by status (201/200/...) or by the submit protocol's status field. */
  statuses: Record<string, number>
  /** performance.now() of each message's answer. */
  doneAt: Float64Array
  startedAt: number
  endedAt: number
}

/**
 * POSTs every body to /v1/messages the way wrk or autocannon -p load a server:
 * a few raw keep-alive connections, each with up to `depth` requests written
 * ahead of their answers (HTTP/1.1 pipelining; answers come back in order).
 * The requests are plain bytes, so the load generator takes little of the
 * machine the node runs on (node:http's client spends ~45 us per request).
 */
export async function postPipelined(
  url: string,
  bodies: Uint8Array[],
  connections: number,
  depth: number,
  timeoutMs: number,
): Promise<LoadResult> {
  const { hostname, port } = new URL(url)
  const statuses: Record<string, number> = {}
  const doneAt = new Float64Array(bodies.length)
  const head = (length: number) =>
    Buffer.from(
      `POST /v1/messages HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: ${length}\r\n\r\n`,
      'latin1',
    )
  let next = 0
  const connection = () =>
    new Promise<void>((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) })
      socket.setNoDelay(true)
      const timer = setTimeout(() => socket.destroy(new Error('load timed out')), timeoutMs)
      const inflight: number[] = []
      let pending: Buffer = Buffer.alloc(0)
      const fill = () => {
        const parts: Uint8Array[] = []
        while (inflight.length < depth && next < bodies.length) {
          const i = next++
          const body = bodies[i] as Uint8Array
          inflight.push(i)
          parts.push(head(body.length), body)
        }
        if (parts.length > 0) socket.write(Buffer.concat(parts))
        else if (inflight.length === 0) {
          clearTimeout(timer)
          socket.end()
          resolve()
        }
      }
      socket.on('connect', fill)
      socket.on('data', (chunk: Buffer) => {
        const { responses, rest } = splitResponses(
          pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk,
        )
        pending = rest
        for (const { status } of responses) {
          statuses[status] = (statuses[status] ?? 0) + 1
          doneAt[inflight.shift() as number] = performance.now()
        }
        fill()
      })
      socket.on('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
    })
  const startedAt = performance.now()
  await Promise.all(Array.from({ length: connections }, connection))
  return { statuses, doneAt, startedAt, endedAt: performance.now() }
}

/**
 * One POST /v1/messages on `agent` (keep-alive); `done` gets the status, or
 * -1 for a network error or no answer within `timeoutMs`.
 */
export function postMessage(
  agent: Agent,
  url: string,
  body: Uint8Array,
  timeoutMs: number,
  done: (status: number) => void,
): void {
  const { hostname, port } = new URL(url)
  const req = request(
    {
      agent,
      host: hostname,
      port,
      method: 'POST',
      path: '/v1/messages',
      headers: { 'content-type': 'application/octet-stream', 'content-length': body.length },
      timeout: timeoutMs,
    },
    (res) => {
      res.resume()
      res.on('end', () => done(res.statusCode ?? 0))
    },
  )
  req.on('timeout', () => req.destroy(new Error('no answer')))
  req.on('error', () => done(-1))
  req.end(body)
}

/**
 * Calls send(i) for i < count, message i due at i / rate seconds (checked
 * every millisecond or so); resolves with the worst lag behind schedule (ms).
 */
export async function pace(count: number, rate: number, send: (i: number) => void) {
  const start = performance.now()
  let sent = 0
  let lateMax = 0
  while (sent < count) {
    const now = performance.now()
    const due = Math.min(count, Math.floor(((now - start) * rate) / 1000) + 1)
    if (due > sent) lateMax = Math.max(lateMax, now - start - (sent * 1000) / rate)
    while (sent < due) send(sent++)
    await new Promise((r) => setTimeout(r, 1))
  }
  return lateMax
}

// ------------------------------------------------------------------ load: libp2p submit protocol

/** A bare libp2p dialer (TCP, noise, yamux): it only opens submit streams. */
export async function createClient(): Promise<Libp2p> {
  return createLibp2p({
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
  })
}

/** Incremental decoder of unsigned-varint length-prefixed frames. */
class FrameReader {
  #buf = new Uint8Array(0)
  push(chunk: Uint8Array): Uint8Array[] {
    const buf = this.#buf.length === 0 ? chunk : concat(this.#buf, chunk)
    const frames: Uint8Array[] = []
    let at = 0
    while (true) {
      let len = 0
      let shift = 0
      let p = at
      let complete = false
      while (p < buf.length) {
        const b = buf[p++] as number
        len += (b & 0x7f) * 2 ** shift
        shift += 7
        if (b < 0x80) {
          complete = true
          break
        }
      }
      if (!complete || p + len > buf.length) break
      frames.push(buf.subarray(p, p + len))
      at = p + len
    }
    this.#buf = buf.slice(at)
    return frames
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/**
 * Streams `frames` (already length-prefixed) on one submit stream, keeping at
 * most `window` frames unanswered, then closes the write side; resolves once
 * every frame is answered. The answers (one per frame, in order) are
 * deterministic-CBOR maps {status, id} or {status, code, message}.
 */
export async function submitStream(
  client: Libp2p,
  addr: string,
  protocol: string,
  frames: Uint8Array[],
  window: number,
  timeoutMs: number,
  onAnswer: (index: number, status: string, at: number) => void,
): Promise<void> {
  const stream = await client.dialProtocol(multiaddr(addr), protocol, {
    signal: AbortSignal.timeout(10_000),
  })
  const reader = new FrameReader()
  let sent = 0
  let answered = 0
  let draining = false
  let closing = false
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new Error(
        `submit stream: ${answered}/${frames.length} answered after ${timeoutMs} ms`,
      )
      stream.abort(error)
      reject(error)
    }, timeoutMs)
    const fail = (error: unknown) => {
      clearTimeout(timer)
      reject(error)
    }
    const pump = () => {
      while (!draining && sent < frames.length && sent - answered < window) {
        if (!stream.send(frames[sent++] as Uint8Array)) {
          draining = true
          stream.onDrain().then(() => {
            draining = false
            pump()
          }, fail)
        }
      }
      if (sent === frames.length && !closing) {
        closing = true
        // Half-close: the node answers what it has, then closes its side.
        stream.close().catch(fail)
      }
    }
    stream.addEventListener('message', (event) => {
      const data = event.data
      const chunk = data instanceof Uint8Array ? data : data.subarray()
      const at = performance.now()
      for (const frame of reader.push(chunk)) {
        const answer = decodeCanonical(frame, 'answer') as { status: string; code?: string }
        onAnswer(answered++, answer.code ? `${answer.status}:${answer.code}` : answer.status, at)
      }
      if (answered === frames.length) {
        clearTimeout(timer)
        resolve()
      } else pump()
    })
    stream.addEventListener('close', (event) => {
      if (answered < frames.length)
        fail(event.error ?? new Error(`stream closed after ${answered}/${frames.length} answers`))
    })
    pump()
  })
}

/** Submits `frames` over `streams` parallel submit streams (contiguous slices, in order within each). */
export async function submitAll(
  client: Libp2p,
  addr: string,
  protocol: string,
  frames: Uint8Array[],
  streams: number,
  window: number,
  timeoutMs: number,
): Promise<LoadResult> {
  const statuses: Record<string, number> = {}
  const doneAt = new Float64Array(frames.length)
  const per = Math.ceil(frames.length / streams)
  const startedAt = performance.now()
  await Promise.all(
    Array.from({ length: streams }, (_, s) =>
      submitStream(
        client,
        addr,
        protocol,
        frames.slice(s * per, (s + 1) * per),
        window,
        timeoutMs,
        (i, status, at) => {
          doneAt[s * per + i] = at
          statuses[status] = (statuses[status] ?? 0) + 1
        },
      ),
    ),
  )
  return { statuses, doneAt, startedAt, endedAt: performance.now() }
}

// ------------------------------------------------------------------ events

/**
 * Records when each message event arrives on a node's /v1/events stream (the
 * node emits it once the message is stored): arrivals[index.get(id)] =
 * performance.now() of its first arrival; events for ids not in `index` are
 * counted as extra(). ended() tells whether the node closed the stream (it
 * cuts off a subscriber that falls too far behind).
 */
export function subscribeEvents(
  node: { url: string },
  index: Map<string, number>,
  arrivals: Float64Array,
) {
  const controller = new AbortController()
  let extra = 0
  let ended = false
  const connected = new Promise<void>((resolve, reject) => {
    const req = request(`${node.url}/v1/events`, { signal: controller.signal }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`GET /v1/events: ${res.statusCode}`))
        return
      }
      res.setEncoding('utf8')
      let buffer = ''
      res.on('data', (chunk: string) => {
        const at = performance.now()
        buffer += chunk
        const end = buffer.lastIndexOf('\n\n')
        if (end < 0) return
        const complete = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        // Events: "id: <hex>\nevent: message\ndata: {...}"; only the id line matters here.
        for (const line of complete.split('\n')) {
          if (!line.startsWith('id: ')) continue
          const i = index.get(line.slice(4))
          if (i === undefined) extra++
          else if (Number.isNaN(arrivals[i])) arrivals[i] = at
        }
      })
      res.on('error', () => {})
      res.on('close', () => {
        ended = !controller.signal.aborted
      })
      resolve()
    })
    req.on('error', (error) => {
      if (!controller.signal.aborted) reject(error)
    })
    req.end()
  })
  return {
    connected,
    close: () => controller.abort(),
    extra: () => extra,
    ended: () => ended,
  }
}

// ------------------------------------------------------------------ figures

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number
}

export interface Summary {
  count: number
  p50: number
  p90: number
  p99: number
  max: number
}
/** Count, nearest-rank percentiles and maximum of some values (NaN when empty). */
export function summary(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values).sort()
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  }
}

/** Answers per whole second of a run, from the answer times (the partial last second left out). */
export function perSecond(load: LoadResult): number[] {
  const buckets: number[] = []
  for (const t of load.doneAt) {
    const s = Math.floor((t - load.startedAt) / 1000)
    buckets[s] = (buckets[s] ?? 0) + 1
  }
  const whole = Math.floor((load.endedAt - load.startedAt) / 1000)
  return Array.from({ length: whole }, (_, i) => buckets[i] ?? 0)
}

export const fmt = (x: number, digits = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : String(x)

export const mib = (bytes: number) => `${fmt(bytes / 1024 / 1024, 1)} MiB`

/** Writes test/bench/results/<file>.json like harness.ts's report(), with free-form results. */
export { writeResults } from './harness.ts'

/** A positive integer from the environment (benchmark sizes and rates). */
export function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`)
  return v
}

/** The network id (bytes) and submit protocol of a running node. */
export async function networkOf(n: NodeProcess): Promise<{ network: string; protocol: string }> {
  const network = (await n.info()).network
  return { network, protocol: `/freebird/${network}/submit/1.0.0` }
}
