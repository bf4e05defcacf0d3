import { parseNetworkId, type Signer } from '@freebird/protocol'
import { ClientError } from './errors.ts'
import { httpTransport, type NodeTransport } from './transports/http.ts'

export interface ClientOptions {
  /** Nodes to talk to: HTTP URLs of their APIs, or transports. */
  nodes: (string | NodeTransport)[]
  /** Signs what this client publishes (a root key, or an app key the root key authorized). */
  signer?: Signer
  /** The network id (32 hex); by default the first node that answers says it. */
  network?: string
  /** Nodes each read goes to (default: 2, or every node if fewer). */
  reads?: number
  /** Per-request timeout in ms (default 5,000). */
  timeoutMs?: number
  /** Called when a node withholds something another node served. */
  onWithheld?: (report: WithheldReport) => void
  /** Called when a node serves something that does not verify (it is never shown). */
  onFault?: (fault: NodeFault) => void
}

export interface WithheldReport {
  node: string
  /** Ids (hex) other nodes served and this one did not. */
  ids: string[]
}

export interface NodeFault {
  node: string
  code: string
  message: string
}

/** What every action works with. */
export interface ClientContext {
  readonly nodes: NodeTransport[]
  readonly signer: Signer | undefined
  readonly reads: number
  readonly timeoutMs: number
  network(): Promise<Uint8Array>
  /** `count` nodes for a read, starting one further each time so reads spread over all. */
  pick(count: number): NodeTransport[]
  readonly onWithheld: ((report: WithheldReport) => void) | undefined
  readonly onFault: ((fault: NodeFault) => void) | undefined
}

export function createContext(options: ClientOptions): ClientContext {
  if (options.nodes.length === 0) {
    throw new ClientError('client.invalid_request', 'give at least one node')
  }
  const nodes = options.nodes.map((n) => (typeof n === 'string' ? httpTransport(n) : n))
  const timeoutMs = options.timeoutMs ?? 5_000
  let rotation = 0
  let network: Promise<Uint8Array> | undefined = options.network
    ? Promise.resolve(parseNetworkId(options.network))
    : undefined
  return {
    nodes,
    signer: options.signer,
    reads: Math.min(nodes.length, Math.max(1, options.reads ?? 2)),
    timeoutMs,
    onWithheld: options.onWithheld,
    onFault: options.onFault,
    pick(count) {
      const start = rotation++ % nodes.length
      return Array.from(
        { length: count },
        (_, i) => nodes[(start + i) % nodes.length] as NodeTransport,
      )
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
  }
}
