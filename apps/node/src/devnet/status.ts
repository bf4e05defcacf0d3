/** One node as read from its /v1/info (down: not running or not answering). */
export interface NodeSample {
  name: string
  up: boolean
  pid: number | null
  peers: number
  messages: number
  stateRoot: string
}

/** A reading of every node at one time. */
export interface Sample {
  at: number
  nodes: NodeSample[]
}

/** One node as the status table shows it. */
export interface NodeStatus extends NodeSample {
  /** Messages stored per second over the last few samples. */
  ingestRate: number
}

export interface DevnetStatus {
  at: number
  nodes: NodeStatus[]
  /** Every running node has the same stateRoot. */
  converged: boolean
  /** Set while the roots have differed for longer than the sync interval. */
  alert?: { sinceMs: number; behind: string[] }
}

const RATE_WINDOW_MS = 3_000
/** How long a message may take to reach every node before a node counts as behind. */
const PROPAGATION_MS = 2_000

/**
 * Turns samples into the status table, and decides when to raise the alert:
 * the roots of the running nodes have not all been equal at any sample for
 * longer than the sync interval, and some node is behind (it holds fewer
 * messages than the fullest node held PROPAGATION_MS ago) or nothing is
 * being written (so the difference cannot be in-flight gossip). Under a
 * steady write load roots rarely match at the instant of a sample even on a
 * healthy network, which is why a difference alone does not raise it.
 */
export class StatusTracker {
  readonly #syncIntervalMs: number
  readonly #history: Sample[] = []
  #lastEqualAt: number | undefined

  constructor(syncIntervalMs: number) {
    this.#syncIntervalMs = syncIntervalMs
  }

  add(sample: Sample): DevnetStatus {
    this.#history.push(sample)
    const keepFrom =
      sample.at - Math.max(this.#syncIntervalMs, RATE_WINDOW_MS, PROPAGATION_MS) - 1_000
    while ((this.#history[0]?.at ?? Infinity) < keepFrom) this.#history.shift()
    const up = sample.nodes.filter((n) => n.up)
    const converged = new Set(up.map((n) => n.stateRoot)).size <= 1
    this.#lastEqualAt ??= sample.at
    if (converged) this.#lastEqualAt = sample.at

    const past = this.#at(sample.at - RATE_WINDOW_MS)
    const nodes = sample.nodes.map((n) => {
      const before = past?.nodes.find((p) => p.name === n.name)
      const seconds = past ? (sample.at - past.at) / 1000 : 0
      const ingestRate =
        n.up && before?.up && seconds > 0
          ? Math.max(0, (n.messages - before.messages) / seconds)
          : 0
      return { ...n, ingestRate }
    })
    const status: DevnetStatus = { at: sample.at, nodes, converged }
    const differedMs = sample.at - this.#lastEqualAt
    if (!converged && differedMs > this.#syncIntervalMs) {
      const lagged = this.#at(sample.at - PROPAGATION_MS)
      const fullest = Math.max(
        0,
        ...(lagged?.nodes ?? []).filter((n) => n.up).map((n) => n.messages),
      )
      const behind = up.filter((n) => n.messages < fullest).map((n) => n.name)
      const windowStart = this.#at(sample.at - this.#syncIntervalMs)
      const quiet =
        windowStart?.nodes.every((w) => {
          const now = sample.nodes.find((n) => n.name === w.name)
          return !now?.up || !w.up || now.messages === w.messages
        }) ?? false
      if (behind.length > 0 || quiet) status.alert = { sinceMs: differedMs, behind }
    }
    return status
  }

  /** The newest sample taken at or before `time`. */
  #at(time: number): Sample | undefined {
    let found: Sample | undefined
    for (const s of this.#history) {
      if (s.at > time) break
      found = s
    }
    return found
  }
}
