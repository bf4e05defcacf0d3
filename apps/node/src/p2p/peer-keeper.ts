import type { ConnectionGater, Libp2p, PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import type { Logger } from '../logger.ts'

/**
 * Peers this node refuses to talk to, both ways, until told otherwise: how
 * an operator (or a test) cuts a node off from some peers without touching
 * the host's firewall.
 */
export class DenyList {
  readonly #peers = new Set<string>()

  has(peer: PeerId | string): boolean {
    return this.#peers.has(peer.toString())
  }

  list(): string[] {
    return [...this.#peers]
  }

  /** Replaces the list; returns the peers newly denied. */
  set(peers: string[]): string[] {
    const added = peers.filter((p) => !this.#peers.has(p))
    this.#peers.clear()
    for (const p of peers) this.#peers.add(p)
    return added
  }

  gater(): ConnectionGater {
    const deny = (peer: PeerId) => this.has(peer)
    return {
      denyDialPeer: deny,
      denyInboundEncryptedConnection: deny,
      denyOutboundEncryptedConnection: deny,
    }
  }
}

export interface PeerKeeperOptions {
  libp2p: Libp2p
  deny: DenyList
  /** Multiaddrs with /p2p/<id> to stay connected to. */
  bootstrap: string[]
  /** Also redial known peers that spoke `protocol`, up to `target` connections. */
  protocol: string
  target?: number
  intervalMs?: number
  log: Logger
}

/**
 * Keeps the node connected: every few seconds it redials bootstrap peers it
 * lost, and known Freebird peers while it has fewer than `target`
 * connections (libp2p's own reconnect gives up after a few tries, so a node
 * would stay cut off after a long partition or a peer's restart).
 */
export class PeerKeeper {
  readonly #o: Required<PeerKeeperOptions>
  #timer: NodeJS.Timeout | undefined
  #busy = false

  constructor(options: PeerKeeperOptions) {
    this.#o = { target: 8, intervalMs: 3_000, ...options }
  }

  start(): void {
    this.#timer = setInterval(() => void this.#tick(), this.#o.intervalMs)
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  /** Replaces the deny list and hangs up on peers newly denied. */
  async deny(peers: string[]): Promise<void> {
    const { libp2p, deny, log } = this.#o
    for (const peer of deny.set(peers)) {
      const connected = libp2p.getPeers().find((p) => p.toString() === peer)
      if (connected) await libp2p.hangUp(connected).catch(() => {})
    }
    log.info({ denied: deny.list() }, 'deny list set')
    void this.#tick()
  }

  async #tick(): Promise<void> {
    if (this.#busy) return
    this.#busy = true
    try {
      const { libp2p, deny } = this.#o
      const connected = new Set(libp2p.getPeers().map(String))
      const dials: Promise<unknown>[] = []
      for (const text of this.#o.bootstrap) {
        const peer = multiaddr(text)
          .getComponents()
          .find((c) => c.name === 'p2p')?.value
        if (peer && !connected.has(peer) && !deny.has(peer)) {
          dials.push(libp2p.dial(multiaddr(text)))
          connected.add(peer)
        }
      }
      if (connected.size < this.#o.target) {
        const known = await libp2p.peerStore.all({
          filters: [(p) => p.protocols.includes(this.#o.protocol)],
        })
        for (const p of known) {
          if (connected.size >= this.#o.target) break
          if (connected.has(p.id.toString()) || deny.has(p.id) || p.addresses.length === 0) continue
          dials.push(libp2p.dial(p.id))
          connected.add(p.id.toString())
        }
      }
      await Promise.allSettled(dials)
    } finally {
      this.#busy = false
    }
  }
}
