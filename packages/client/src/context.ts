import { type Message, parseNetworkId, type Signer } from '@freebird/protocol'
import { accountArg } from './args.ts'
import { ClientError } from './errors.ts'
import { type LedgerSession, ledgerSession } from './ledger-session.ts'
import { type KeyValueStore, memoryStore } from './store.ts'
import { httpTransport } from './transports/http.ts'
import { type ClientHost, libp2pTransport } from './transports/libp2p.ts'
import type { NodeTransport } from './transports/types.ts'

export interface ClientOptions {
  /**
   * Nodes to talk to: multiaddrs (libp2p: TCP in Node, WebSockets in
   * browsers), HTTP URLs of their APIs, or transports.
   */
  nodes: (string | NodeTransport)[]
  /** Signs what this client publishes (a root key, or an app key the root key authorized). */
  signer?: Signer
  /** The account the signer acts for, when the signer is an app key (default: the signer's own). */
  account?: string
  /** The network id (32 hex); by default the first node that answers says it. */
  network?: string
  /** Nodes each read goes to (default: 2, or every node if fewer). */
  reads?: number
  /** Per-request timeout in ms (default 5,000). */
  timeoutMs?: number
  /** Called when a node withholds something another node served. */
  onWithheld?: (report: WithheldReport) => void
  /** Called when a node serves something that does not verify or is stale (it is never shown). */
  onFault?: (fault: NodeFault) => void
  /**
   * Where transfers keep their pending order and last certificate, to finish
   * an order after a crash instead of signing a second one at its seq
   * (default: in memory). `fileStore(path)` in Node, `localStorageStore()`
   * in browsers.
   */
  store?: KeyValueStore
}

export interface WithheldReport {
  node: string
  /** Ids (hex) of messages other nodes served and this one did not. */
  ids: string[]
}

export interface NodeFault {
  node: string
  code: 'client.node_lied' | 'client.node_stale'
  message: string
}

interface NodeState {
  transport: NodeTransport
  failures: number
  /** Until then the node is tried only after every healthy one. */
  downUntil: number
}

/** What every action works with. */
export interface ClientContext {
  readonly nodes: readonly NodeTransport[]
  readonly signer: Signer | undefined
  /** The account the signer acts for (raw key), when known. */
  readonly account: Uint8Array | undefined
  readonly reads: number
  readonly timeoutMs: number
  network(): Promise<Uint8Array>
  /** Every node, in the order to try them: one further each call, nodes in backoff last. */
  order(): NodeTransport[]
  /** Records how a request to a node went (backoff after failures). */
  report(node: NodeTransport, ok: boolean): void
  readonly onWithheld: ((report: WithheldReport) => void) | undefined
  readonly onFault: ((fault: NodeFault) => void) | undefined
  /** Verified signer messages per author (hex), with when they were read. */
  readonly signerCache: Map<string, { at: number; messages: Message[] }>
  /** Pending orders and last certificates of transfers. */
  readonly store: KeyValueStore
  /** The ledger's parameters and the per-account transfer queues. */
  readonly ledger: LedgerSession
  /** Keeps work that outlives its action (certificates still being pushed); `close` awaits it. */
  background(work: Promise<unknown>): void
  /** Awaits background work, then stops the client's libp2p host, if it started one. */
  close(): Promise<void>
}

const MULTIADDR = /^\/(ip4|ip6|dns|dns4|dns6)\//
const BACKOFF_MIN_MS = 500
const BACKOFF_MAX_MS = 30_000

/** How a runtime makes the client's libp2p host (Node: TCP + WebSockets; browser: WebSockets). */
export type HostFactory = () => Promise<ClientHost>

export function createContext(options: ClientOptions, makeHost: HostFactory): ClientContext {
  if (options.nodes.length === 0) {
    throw new ClientError('client.invalid_request', 'give at least one node')
  }
  let host: Promise<ClientHost> | undefined
  const sharedHost = () => {
    host ??= makeHost().catch((error: unknown) => {
      host = undefined
      throw new ClientError('client.unavailable', 'libp2p did not start', { cause: error })
    })
    return host
  }
  const transportOf = (node: string | NodeTransport): NodeTransport => {
    if (typeof node !== 'string') return node
    if (MULTIADDR.test(node)) return libp2pTransport(node, sharedHost)
    if (/^https?:\/\//.test(node)) return httpTransport(node)
    throw new ClientError('client.invalid_request', `not a multiaddr or URL: ${node}`)
  }
  const states: NodeState[] = options.nodes.map((n) => ({
    transport: transportOf(n),
    failures: 0,
    downUntil: 0,
  }))
  const nodes = states.map((s) => s.transport)
  const timeoutMs = options.timeoutMs ?? 5_000
  let rotation = 0
  let network: Promise<Uint8Array> | undefined = options.network
    ? Promise.resolve(parseNetworkId(options.network))
    : undefined
  const account = options.account ? accountArg(options.account) : options.signer?.publicKey
  const background = new Set<Promise<unknown>>()
  return {
    nodes,
    signer: options.signer,
    account,
    reads: Math.min(nodes.length, Math.max(1, options.reads ?? 2)),
    timeoutMs,
    onWithheld: options.onWithheld,
    onFault: options.onFault,
    signerCache: new Map(),
    store: options.store ?? memoryStore(),
    ledger: ledgerSession(),
    background(work) {
      const settled = work.then(
        () => {},
        () => {},
      )
      background.add(settled)
      void settled.then(() => background.delete(settled))
    },
    order() {
      const start = rotation++ % states.length
      const rotated = states.map((_, i) => states[(start + i) % states.length] as NodeState)
      const now = Date.now()
      return [
        ...rotated.filter((s) => s.downUntil <= now),
        ...rotated.filter((s) => s.downUntil > now),
      ].map((s) => s.transport)
    },
    report(node, ok) {
      const state = states.find((s) => s.transport === node)
      if (!state) return
      if (ok) {
        state.failures = 0
        state.downUntil = 0
        return
      }
      state.failures++
      // Exponential backoff with jitter, so many clients do not retry a node in step.
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (state.failures - 1))
      state.downUntil = Date.now() + delay * (0.5 + Math.random() / 2)
    },
    network() {
      network ??= Promise.any(
        nodes.map((n) => n.network(AbortSignal.timeout(timeoutMs)).then(parseNetworkId)),
      ).catch((error: unknown) => {
        network = undefined
        throw new ClientError('client.unavailable', 'no node said which network it is on', {
          cause: error,
        })
      })
      return network
    },
    async close() {
      await Promise.all(background)
      await Promise.all(nodes.map((n) => n.close?.().catch(() => {})))
      network = undefined
      const started = host
      host = undefined
      if (started) await (await started.catch(() => undefined))?.libp2p.stop()
    },
  }
}
