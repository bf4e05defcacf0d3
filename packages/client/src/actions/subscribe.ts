import {
  equalBytes,
  type Message,
  type MessageType,
  matchesFilter,
  toHex,
} from '@freebird/protocol'
import { accountArg, idArg } from '../args.ts'
import type { ClientContext, NodeFault } from '../context.ts'
import { ClientError } from '../errors.ts'
import { authorized } from '../signers.ts'
import type { NodeTransport, SubscribeFilter } from '../transports/types.ts'
import { verifyEnvelope } from '../verify.ts'

export interface SubscribeArgs {
  /** Only messages of these accounts (`fb1...`). */
  authors?: string[]
  /** Only these message types. */
  types?: MessageType[]
  /** Only replies to this post (hex id). */
  parent?: string
  /** Also deliver stored messages timestamped at or after this (ms), first. */
  since?: number
  /** How far back (ms) a reconnect replays, to cover messages stored while it was away (default 5 min). */
  resumeWindowMs?: number
  /** Each verified message, once, in the order it arrived. */
  onMessage: (message: Message) => void
  /** A node that failed or lied; the subscription goes on with another. */
  onError?: (error: ClientError) => void
}

export interface Subscription {
  /** Nodes streaming right now. */
  readonly nodes: string[]
  /** Ends the subscription. */
  close(): void
}

const RESUME_WINDOW_MS = 5 * 60_000
const BACKOFF_MIN_MS = 250
const BACKOFF_MAX_MS = 10_000
/** Ids remembered to drop duplicates, beyond which the oldest (outside the window) are forgotten. */
const SEEN_CAP = 50_000

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })

/**
 * A live stream of new messages matching a filter, from `reads` nodes at
 * once. Every message is verified before delivery and delivered once. When a
 * node's stream breaks, the subscription reconnects with backoff, to that or
 * another node, asking for what it stored since shortly before the last
 * message seen: nothing is lost across a node restart, and nothing repeats.
 *
 * @example
 * ```ts
 * const sub = client.subscribe({
 *   types: ['post.add'],
 *   onMessage: (m) => console.log(toHex(m.id)),
 * })
 * // later
 * sub.close()
 * ```
 */
export function subscribe(ctx: ClientContext, args: SubscribeArgs): Subscription {
  const base: SubscribeFilter = {
    ...(args.authors ? { authors: args.authors.map(accountArg) } : {}),
    ...(args.types ? { types: args.types } : {}),
    ...(args.parent ? { parent: idArg(args.parent) } : {}),
  }
  const window = args.resumeWindowMs ?? RESUME_WINDOW_MS
  const closed = new AbortController()
  const active = new Set<NodeTransport>()
  const seen = new Map<string, number>()
  let newest = Date.now()
  let first = true
  // Delivery is serialized: a delegated message waits for its signer check without reordering.
  let delivery = Promise.resolve()

  const remember = (m: Message) => {
    seen.set(toHex(m.id), m.data.timestamp)
    newest = Math.max(newest, m.data.timestamp)
    if (seen.size > SEEN_CAP) {
      const floor = newest - window
      for (const [id, t] of seen) if (t < floor) seen.delete(id)
    }
  }

  const report = (error: unknown) => {
    if (error instanceof ClientError) args.onError?.(error)
  }

  const stream = async (node: NodeTransport, network: Uint8Array, since: number | undefined) => {
    const lied = new AbortController()
    const signal = AbortSignal.any([closed.signal, lied.signal])
    let failure: ClientError | undefined
    const onBytes = (bytes: Uint8Array) => {
      let m: Message
      try {
        m = verifyEnvelope(node.name, bytes, network)
        if (!matchesFilter(base, m))
          throw new ClientError(
            'client.node_lied',
            `${node.name} sent a message the filter excludes`,
            { node: node.name },
          )
      } catch (error) {
        failure = error as ClientError
        lied.abort()
        return
      }
      delivery = delivery
        .then(async () => {
          const id = toHex(m.id)
          if (seen.has(id) || closed.signal.aborted) return
          if (!equalBytes(m.signer, m.data.author)) {
            const faults: NodeFault[] = []
            const ok = await authorized(ctx, [{ node: node.name, messages: [m] }], faults, [])
            if (ok.size === 0 || seen.has(id)) return
          }
          remember(m)
          try {
            args.onMessage(m)
          } catch {
            // The app's handler failing on one message must not end delivery of the rest.
          }
        })
        .catch(report)
    }
    const filter = { ...base, ...(since !== undefined ? { since } : {}) }
    try {
      await node.subscribe(filter, onBytes, signal)
    } catch (error) {
      failure ??= error as ClientError
    }
    if (failure) throw failure
  }

  const slot = async () => {
    let backoff = BACKOFF_MIN_MS
    while (!closed.signal.aborted) {
      const node = ctx.order().find((n) => !active.has(n))
      if (!node) {
        await sleep(backoff, closed.signal)
        continue
      }
      active.add(node)
      const started = Date.now()
      // The first streams start at `since`; a reconnect replays from shortly before the newest seen.
      const since = first ? args.since : newest - window
      try {
        const network = await ctx.network()
        await stream(node, network, since)
      } catch (error) {
        ctx.report(node, false)
        report(error)
      } finally {
        active.delete(node)
      }
      if (closed.signal.aborted) return
      // A stream that lived a while was healthy: reconnect quickly.
      backoff =
        Date.now() - started > 10_000 ? BACKOFF_MIN_MS : Math.min(BACKOFF_MAX_MS, backoff * 2)
      await sleep(backoff * (0.5 + Math.random() / 2), closed.signal)
    }
  }

  const slots = Math.min(ctx.reads, ctx.nodes.length)
  for (let i = 0; i < slots; i++) void slot()
  queueMicrotask(() => {
    first = false
  })
  return {
    get nodes() {
      return [...active].map((n) => n.name)
    },
    close() {
      closed.abort()
    },
  }
}
