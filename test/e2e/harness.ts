import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { DevnetNodeInfo } from '@freebird/node'

const BIN = fileURLToPath(new URL('../../apps/node/bin/freebird.js', import.meta.url))

/** GET /v1/info: the devnet's view of it plus the sync state. */
export interface NodeInfo extends DevnetNodeInfo {
  sync: {
    running: number
    completed: number
    failed: number
    lastSync: {
      peer: string
      rounds: number
      have: number
      need: number
      fetched: number
      pushed: number
      error?: { code: string }
    }[]
  }
}

/** Node processes still running: killed if the test runner exits first (one listener for all). */
const live = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

/** A `freebird node` in its own OS process, on real ports, with data on disk. */
export class NodeProcess {
  readonly dataDir: string
  child!: ChildProcess
  url = ''
  peerId = ''
  multiaddrs: string[] = []
  logs: Record<string, unknown>[] = []
  exited!: Promise<number | null>

  constructor(dataDir?: string) {
    this.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'freebird-node-'))
  }

  /** Starts the process and resolves once it logs 'node started' (its ports are then known). */
  async start(extra: string[] = [], timeoutMs = 20_000): Promise<this> {
    this.child = spawn(
      process.execPath,
      [
        BIN,
        'node',
        '--data',
        this.dataDir,
        '--listen',
        '/ip4/127.0.0.1/tcp/0',
        '--http',
        '127.0.0.1:0',
        ...extra,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)))
    // If the test runner dies first, its nodes die with it.
    const child = this.child
    live.add(child)
    void this.exited.then(() => live.delete(child))
    const started = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`node did not start in ${timeoutMs} ms`)),
        timeoutMs,
      )
      createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        let entry: Record<string, unknown>
        try {
          entry = JSON.parse(line)
        } catch {
          return
        }
        this.logs.push(entry)
        if (entry.msg === 'node started') {
          this.url = entry.http as string
          this.peerId = entry.peerId as string
          this.multiaddrs = entry.multiaddrs as string[]
          clearTimeout(timer)
          resolve()
        }
      })
      let stderr = ''
      this.child.stderr?.on('data', (d) => {
        stderr += d
      })
      void this.exited.then((code) =>
        reject(new Error(`node exited (${code}) before starting: ${stderr}`)),
      )
    })
    await started
    return this
  }

  async info(): Promise<NodeInfo> {
    return (await fetch(`${this.url}/v1/info`)).json() as Promise<NodeInfo>
  }

  async has(id: string): Promise<boolean> {
    return (await fetch(`${this.url}/v1/messages/${id}`)).status === 200
  }

  async submit(
    bytes: Uint8Array,
  ): Promise<{ status: number; body: { id?: string; code?: string } }> {
    const response = await fetch(`${this.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    })
    return {
      status: response.status,
      body: (await response.json()) as { id?: string; code?: string },
    }
  }

  /** Replaces the node's deny list (peers refused both ways). */
  async deny(peers: string[]): Promise<void> {
    const response = await fetch(`${this.url}/v1/admin/deny`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ peers }),
    })
    if (!response.ok) throw new Error(`deny answered ${response.status}`)
  }

  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    return metricAt(this.url, name, labels)
  }

  /** SIGTERM and wait for the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM')
    return this.exited
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL')
    await this.exited
  }

  remove(): void {
    rmSync(this.dataDir, { recursive: true, force: true })
  }
}

/** One HTTP/1.1 response as read off a raw socket. */
export interface RawResponse {
  status: number
  head: string
  body: Buffer
}

/**
 * Splits the whole responses (Content-Length framed) off the front of `bytes`
 * read from a raw socket; `rest` is what has not fully arrived yet.
 */
export function splitResponses(bytes: Buffer): { responses: RawResponse[]; rest: Buffer } {
  const responses: RawResponse[] = []
  let rest = bytes
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n')
    if (headEnd < 0) break
    const head = rest.toString('latin1', 0, headEnd)
    const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0)
    if (rest.length < headEnd + 4 + length) break
    responses.push({
      status: Number(head.slice(9, 12)),
      head,
      body: rest.subarray(headEnd + 4, headEnd + 4 + length),
    })
    rest = rest.subarray(headEnd + 4 + length)
  }
  return { responses, rest }
}

/** An unsigned LEB128 varint: the length prefix of every Freebird stream frame. */
export function varint(n: number): Uint8Array {
  const out: number[] = []
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return Uint8Array.from(out)
}

/** A Prometheus counter or gauge of the node at `url`, summed over the series matching `labels`. */
export async function metricAt(
  url: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })
  let total = 0
  for (const line of (await response.text()).split('\n')) {
    if (!line.startsWith(name)) continue
    const rest = line.slice(name.length)
    if (rest[0] !== '{' && rest[0] !== ' ') continue
    if (Object.entries(labels).every(([k, v]) => rest.includes(`${k}="${v}"`)))
      total += Number(line.split(' ').at(-1))
  }
  return total
}

/** Polls `condition` until it is true; fails after `timeoutMs`. No fixed sleeps. */
export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await condition()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}
