import { EventEmitter } from 'node:events'
import { rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { CliError } from '../cli-error.ts'
import { createNetwork } from './create.ts'
import { alive, type DemoAccount, type DevnetRecord, readRecord, writeRecord } from './layout.ts'
import { DevnetNode } from './node-handle.ts'
import {
  checkFree,
  consecutivePorts,
  DEFAULT_BASE_PORT,
  freePorts,
  type NodePorts,
  nodeAddresses,
} from './ports.ts'
import type { DevnetStatus, Sample } from './status.ts'

export interface DevnetOptions {
  /** Where the network lives: genesis, keys, node data, devnet.json. */
  dir: string
  /** Number of nodes (default 4). Must match an existing network in `dir`. */
  nodes?: number | undefined
  /** Funded demo accounts (default 4). Must match an existing network in `dir`. */
  accounts?: number | undefined
  /**
   * First port: node i listens on base + 3i (TCP), + 1 (WebSockets), + 2
   * (HTTP). Default: the ports an existing network used, else 7900. 0: ports
   * the operating system picks (tests).
   */
  basePort?: number | undefined
  /** Delete `dir` first and make a new network. */
  reset?: boolean | undefined
  /** Nodes sync with a random peer this often (default 5,000 ms). */
  syncIntervalMs?: number | undefined
  /** The nodes' log level (default info); logs go to each node's data dir. */
  logLevel?: string | undefined
  /** Extra `freebird node` arguments for every node. */
  nodeArgs?: string[] | undefined
  /** How long to wait for the nodes to be healthy and connected (default 60 s). */
  readyTimeoutMs?: number | undefined
}

export interface DevnetEvents {
  /** A node's process ended without being asked to. */
  exit: [node: DevnetNode, code: number | null, signal: string | null]
}

/** A running local network; see `startDevnet`. */
export class Devnet extends EventEmitter<DevnetEvents> {
  readonly dir: string
  readonly nodes: DevnetNode[]
  readonly #record: DevnetRecord
  #stopped = false

  constructor(dir: string, record: DevnetRecord, run: { logLevel: string; nodeArgs: string[] }) {
    super()
    this.dir = dir
    this.#record = record
    this.nodes = record.nodes.map(
      (r) =>
        new DevnetNode(r, {
          genesisFile: record.genesisFile,
          syncIntervalMs: record.syncIntervalMs,
          ...run,
          bootstrap: () => this.nodes.filter((o) => o.record !== r).map((o) => o.multiaddrs.tcp),
          onChange: () => {
            if (!this.#stopped) this.save()
          },
          onUnexpectedExit: (node, code, signal) => this.emit('exit', node, code, signal),
        }),
    )
  }

  get network(): string {
    return this.#record.network
  }
  /** The network id (32 hex characters). */
  get networkId(): string {
    return this.#record.networkId
  }
  get genesisFile(): string {
    return this.#record.genesisFile
  }
  get accounts(): DemoAccount[] {
    return this.#record.accounts
  }
  get syncIntervalMs(): number {
    return this.#record.syncIntervalMs
  }
  /** What devnet.json holds now. */
  get record(): DevnetRecord {
    return structuredClone(this.#record)
  }

  node(name: string): DevnetNode {
    const node = this.nodes.find((n) => n.name === name)
    if (!node) throw new CliError('devnet.unknown_node', `no node named ${name}`)
    return node
  }

  /** Splits the network: each node refuses every node outside its own group. */
  async partition(groups: DevnetNode[][]): Promise<void> {
    await Promise.all(
      groups.flatMap((group) =>
        group.map((n) => n.partition(this.nodes.filter((o) => !group.includes(o)))),
      ),
    )
  }

  /** Lifts every partition. */
  async heal(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.heal()))
  }

  /** One reading of every node; a node that does not answer counts as down. */
  async sample(): Promise<Sample> {
    const nodes = await Promise.all(
      this.nodes.map(async (n) => {
        const base = { name: n.name, pid: n.pid, peers: 0, messages: 0, stateRoot: '' }
        if (!n.running) return { ...base, up: false }
        try {
          const info = await n.info()
          return {
            ...base,
            up: true,
            peers: info.peers,
            messages: info.messageCount,
            stateRoot: info.stateRoot,
          }
        } catch {
          return { ...base, up: false }
        }
      }),
    )
    return { at: Date.now(), nodes }
  }

  /** Resolves once every running node is connected to every other and sees it on the gossip topic. */
  async waitConnected(timeoutMs = 60_000): Promise<void> {
    const others = this.nodes.length - 1
    await this.#waitFor(
      async () => {
        const infos = await Promise.all(this.nodes.filter((n) => n.running).map((n) => n.info()))
        return infos.every((i) => i.peers >= others && i.gossipPeers >= others)
      },
      'every node connected to every other',
      timeoutMs,
    )
  }

  /**
   * Resolves once every running node has the same stateRoot (and, when given,
   * `messages` messages); returns how long that took.
   */
  async waitConverged(options: { timeoutMs?: number; messages?: number } = {}): Promise<number> {
    const started = Date.now()
    await this.#waitFor(
      async () => {
        const up = (await this.sample()).nodes.filter((n) => n.up)
        return (
          up.length > 0 &&
          new Set(up.map((n) => n.stateRoot)).size === 1 &&
          (options.messages === undefined || up[0]?.messages === options.messages)
        )
      },
      'one stateRoot on every node',
      options.timeoutMs ?? 60_000,
    )
    return Date.now() - started
  }

  /** Stops every node cleanly (SIGTERM, SIGKILL after 8 s) and marks the devnet stopped. */
  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    await Promise.all(this.nodes.map((n) => n.stop(8_000)))
    this.#record.pid = null
    this.save()
  }

  get stopping(): boolean {
    return this.#stopped
  }

  /** Writes devnet.json (pids change as nodes stop and start). */
  save(): void {
    writeRecord(this.dir, this.#record)
  }

  async #waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs
    for (;;) {
      try {
        if (await check()) return
      } catch {
        // A node restarting does not answer for a moment.
      }
      if (Date.now() > end)
        throw new CliError('devnet.timeout', `timed out after ${timeoutMs} ms waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

export type { DevnetStatus }

async function choosePorts(
  options: DevnetOptions,
  count: number,
  existing: DevnetRecord | undefined,
): Promise<NodePorts[]> {
  if (options.basePort === 0) return freePorts(count)
  if (options.basePort === undefined && existing) return existing.nodes.map((n) => n.ports)
  return consecutivePorts(options.basePort ?? DEFAULT_BASE_PORT, count)
}

/**
 * Starts a local Freebird network of real `freebird node` processes and
 * resolves once every node is healthy and connected to every other. A new
 * `dir` gets a new network (genesis, keys, funded demo accounts); an existing
 * one is started again with its data. `freebird devnet` is this function
 * plus a status table.
 *
 * @example
 * const devnet = await startDevnet({ dir: './my-devnet', nodes: 4 })
 * const [a, b] = devnet.nodes
 * await devnet.partition([[a], devnet.nodes.slice(1)])
 * await devnet.heal()
 * await a.kill(); await a.start()
 * await devnet.stop()
 */
export async function startDevnet(options: DevnetOptions): Promise<Devnet> {
  const dir = resolve(options.dir)
  const running = options.reset ? readRecord(dir, { lenient: true }) : undefined
  if (running && alive(running.pid) && running.pid !== process.pid) {
    throw new CliError(
      'devnet.running',
      `a devnet (pid ${running.pid}) is running in ${dir}; stop it first`,
    )
  }
  if (options.reset) rmSync(dir, { recursive: true, force: true })
  let record = readRecord(dir)
  if (record && alive(record.pid) && record.pid !== process.pid) {
    throw new CliError(
      'devnet.running',
      `a devnet (pid ${record.pid}) is already running in ${dir}`,
    )
  }
  const nodeCount = options.nodes ?? record?.nodes.length ?? 4
  const accountCount = options.accounts ?? record?.accounts.length ?? 4
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 64) {
    throw new CliError('devnet.invalid_nodes', 'a devnet has 1 to 64 nodes')
  }
  if (!Number.isInteger(accountCount) || accountCount < 0 || accountCount > 1000) {
    throw new CliError('devnet.invalid_accounts', 'a devnet has 0 to 1,000 demo accounts')
  }
  if (record && (record.nodes.length !== nodeCount || record.accounts.length !== accountCount)) {
    throw new CliError(
      'devnet.mismatch',
      `${dir} holds a network of ${record.nodes.length} nodes and ${record.accounts.length} accounts; use --reset for a new one`,
    )
  }
  // Nodes of a devnet that was just killed stop by themselves; give them a moment.
  const leftover = (record?.nodes ?? []).map((n) => n.pid)
  for (const end = Date.now() + 10_000; leftover.some(alive) && Date.now() < end; ) {
    await new Promise((r) => setTimeout(r, 100))
  }
  const ports = await choosePorts(options, nodeCount, record)
  await checkFree(ports)
  const syncIntervalMs = options.syncIntervalMs ?? record?.syncIntervalMs ?? 5_000
  if (record) {
    record.nodes.forEach((n, i) => {
      Object.assign(n, nodeAddresses(ports[i] as NodePorts, n.peerId), { pid: null })
    })
    record.syncIntervalMs = syncIntervalMs
  } else {
    record = await createNetwork({
      dir,
      nodes: nodeCount,
      accounts: accountCount,
      ports,
      syncIntervalMs,
    })
  }
  record.pid = process.pid
  const devnet = new Devnet(dir, record, {
    logLevel: options.logLevel ?? 'info',
    nodeArgs: options.nodeArgs ?? [],
  })
  devnet.save()
  try {
    await Promise.all(devnet.nodes.map((n) => n.start()))
    await devnet.waitConnected(options.readyTimeoutMs ?? 60_000)
  } catch (error) {
    await devnet.stop()
    throw error
  }
  return devnet
}
