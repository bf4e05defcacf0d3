import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CliError } from '../cli-error.ts'
import type { DevnetNodeRecord } from './layout.ts'

/** The CLI entry (bin/ sits two levels above both src/devnet and dist/devnet). */
const BIN = fileURLToPath(new URL('../../bin/freebird.js', import.meta.url))

/** What /v1/info answers (the fields the devnet uses). */
export interface NodeInfo {
  peerId: string
  multiaddrs: string[]
  network: string
  messageCount: number
  stateRoot: string
  peers: number
  gossipPeers: number
  meshPeers: number
}

export interface NodeHandleOptions {
  genesisFile: string
  syncIntervalMs: number
  logLevel: string
  /** Extra `freebird node` arguments (tests use them). */
  nodeArgs: string[]
  /** The other nodes' TCP multiaddrs, to bootstrap from. */
  bootstrap: () => string[]
  /** A start or exit changed what devnet.json should say. */
  onChange: (node: DevnetNode) => void
  /** The process ended without being asked to. */
  onUnexpectedExit: (node: DevnetNode, code: number | null, signal: string | null) => void
}

/**
 * One devnet node: a `freebird node` OS process with its data dir, ports and
 * identity fixed by the devnet. Its stdout and stderr go to a log file in its
 * data dir. It is spawned with an IPC channel, which a node treats as its
 * parent's lifeline: when the channel closes (the devnet died, even by
 * SIGKILL) the node stops itself, so no orphan outlives the devnet.
 */
export class DevnetNode {
  readonly record: DevnetNodeRecord
  readonly #o: NodeHandleOptions
  #child: ChildProcess | undefined
  #exited: Promise<void> = Promise.resolve()
  #expectingExit = false
  #deny: string[] = []

  constructor(record: DevnetNodeRecord, options: NodeHandleOptions) {
    this.record = record
    this.#o = options
  }

  get name(): string {
    return this.record.name
  }
  get peerId(): string {
    return this.record.peerId
  }
  get url(): string {
    return this.record.http
  }
  get multiaddrs(): { tcp: string; ws: string } {
    return this.record.multiaddrs
  }
  get dataDir(): string {
    return this.record.dataDir
  }
  get pid(): number | null {
    return this.record.pid
  }
  get running(): boolean {
    return this.#child !== undefined
  }

  /** Spawns the process and resolves once its HTTP API answers healthy. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.#child) return
    const { ports } = this.record
    const log = openSync(this.record.logFile, 'a')
    const child = spawn(
      process.execPath,
      [
        BIN,
        'node',
        '--data',
        this.dataDir,
        '--genesis',
        this.#o.genesisFile,
        '--listen',
        `/ip4/127.0.0.1/tcp/${ports.tcp}`,
        '--listen',
        `/ip4/127.0.0.1/tcp/${ports.ws}/ws`,
        '--http',
        `127.0.0.1:${ports.http}`,
        '--sync-interval',
        String(this.#o.syncIntervalMs),
        '--log-level',
        this.#o.logLevel,
        ...this.#o.bootstrap().flatMap((a) => ['--bootstrap', a]),
        ...this.#o.nodeArgs,
      ],
      { stdio: ['ignore', log, log, 'ipc'], env: withoutFreebirdEnv() },
    )
    closeSync(log)
    this.#child = child
    this.#expectingExit = false
    this.record.pid = child.pid ?? null
    let exitedEarly: (error: Error) => void = () => {}
    const early = new Promise<never>((_, reject) => {
      exitedEarly = reject
    })
    early.catch(() => {})
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#child = undefined
        this.record.pid = null
        exitedEarly(
          new CliError(
            'devnet.node_failed',
            `${this.name} exited (${signal ?? code}) while starting: ${this.#logTail()}`,
          ),
        )
        if (!this.#expectingExit) this.#o.onUnexpectedExit(this, code, signal)
        this.#o.onChange(this)
        resolve()
      })
    })
    this.#o.onChange(this)
    try {
      await Promise.race([early, this.#healthy(timeoutMs)])
    } catch (error) {
      // Never leave a half-started process behind.
      await this.kill()
      throw error
    }
    // A restarted node forgets its deny list; the devnet remembers it.
    if (this.#deny.length > 0) await this.#putDeny(this.#deny)
  }

  /** SIGTERM and wait for a clean exit; SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.#child
    if (!child) return
    this.#expectingExit = true
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await this.#exited
    clearTimeout(timer)
  }

  /** SIGKILL: the node gets no chance to flush or close anything. */
  async kill(): Promise<void> {
    const child = this.#child
    if (!child) return
    this.#expectingExit = true
    child.kill('SIGKILL')
    await this.#exited
  }

  /**
   * Stops (if running) and starts again with the same identity and ports.
   * `wipe` empties the store first: the node comes back with its keys and
   * nothing else, and must catch up from its peers.
   */
  async restart(options: { wipe?: boolean } = {}): Promise<void> {
    await this.stop()
    if (options.wipe) rmSync(join(this.dataDir, 'db'), { recursive: true, force: true })
    await this.start()
  }

  /** Refuses connections with these peers, both ways, until `heal()`; replaces any earlier list. */
  async partition(peers: (DevnetNode | string)[]): Promise<void> {
    this.#deny = peers.map((p) => (typeof p === 'string' ? p : p.peerId))
    if (this.#child) await this.#putDeny(this.#deny)
  }

  async heal(): Promise<void> {
    await this.partition([])
  }

  async info(): Promise<NodeInfo> {
    const response = await fetch(`${this.url}/v1/info`, { signal: AbortSignal.timeout(5_000) })
    if (!response.ok) throw new Error(`${this.name}: /v1/info answered ${response.status}`)
    return (await response.json()) as NodeInfo
  }

  async #putDeny(peers: string[]): Promise<void> {
    const response = await fetch(`${this.url}/v1/admin/deny`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ peers }),
      signal: AbortSignal.timeout(5_000),
    })
    if (!response.ok) throw new Error(`${this.name}: deny answered ${response.status}`)
  }

  async #healthy(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs
    while (Date.now() < end) {
      try {
        const r = await fetch(`${this.url}/v1/health`, { signal: AbortSignal.timeout(1_000) })
        if (r.ok) return
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new CliError(
      'devnet.node_failed',
      `${this.name} was not healthy within ${timeoutMs} ms: ${this.#logTail()}`,
    )
  }

  /** The node's last log line worth showing (its error, usually). */
  #logTail(): string {
    try {
      const lines = readFileSync(this.record.logFile, 'utf8').trim().split('\n')
      return lines.slice(-3).join(' | ') || `(see ${this.record.logFile})`
    } catch {
      return `(see ${this.record.logFile})`
    }
  }
}

/** The devnet decides every setting; a FREEBIRD_* variable in the user's shell must not. */
function withoutFreebirdEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('FREEBIRD_')),
  )
}
