import {
  compareBytes,
  equalBytes,
  type Message,
  type PostView as ProtocolPostView,
  postView,
  toHex,
} from '@freebird/protocol'
import type { ClientContext, NodeFault, WithheldReport } from './context.ts'
import { type Answer, fault } from './read.ts'
import { authorized } from './signers.ts'
import type { NodeTransport } from './transports/types.ts'
import { readVerified } from './verified-read.ts'
import { verifyAll } from './verify.ts'

/** A post as an app shows it (the protocol's post view), with the verified message it came from. */
export interface PostView extends ProtocolPostView {
  /** The verified message the view was built from. */
  message: Message<'post.add'>
}

export const toPostView = (m: Message<'post.add'>): PostView => ({ ...postView(m), message: m })

/** Newest first: (timestamp, id) descending. */
export const newestFirst = (a: Message, b: Message) =>
  b.data.timestamp - a.data.timestamp || compareBytes(b.id, a.id)

export interface PostListSpec {
  ask: (node: NodeTransport, signal: AbortSignal) => Promise<Uint8Array[]>
  /** Why a post does not belong in this list (then the node lied), or undefined. */
  misfit?: (m: Message<'post.add'>) => string | undefined | Promise<string | undefined>
  /** The most a node sends: a shorter answer is the node's whole list. */
  limit: number
  order: (a: Message, b: Message) => number
}

export interface PostList {
  posts: Message<'post.add'>[]
  withheld: WithheldReport[]
  faults: NodeFault[]
}

/** Disputed posts checked for a removal per read; beyond, the node is just reported. */
const MAX_DISPUTES = 32

/**
 * Reads a list of posts from `reads` nodes and merges it: every message
 * verified and authorized, the union shown. When a node leaves out a post
 * another served, it is asked for the post's removal: a verified removal
 * hides the post and marks the nodes that served it stale; without one the
 * node withheld it.
 */
export async function readPostList(ctx: ClientContext, spec: PostListSpec): Promise<PostList> {
  const { answers, faults, withheld } = await readVerified<Message<'post.add'>>(
    ctx,
    spec.ask,
    (m) => (m.data.type === 'post.add' ? spec.misfit?.(m as Message<'post.add'>) : m.data.type),
  )
  const merged = new Map<string, Message<'post.add'>>()
  const idsOf = new Map<Answer<Message<'post.add'>[]>, Set<string>>()
  for (const a of answers) {
    const ids = new Set<string>()
    for (const m of a.value) {
      const id = toHex(m.id)
      ids.add(id)
      merged.set(id, m)
    }
    idsOf.set(a, ids)
  }

  // A full answer covers what sorts at or before its last post; a shorter one, everything.
  const lastOf = new Map(
    answers.map((a) => [
      a,
      a.value.length < spec.limit
        ? undefined
        : a.value.reduce((x, y) => (spec.order(x, y) > 0 ? x : y)),
    ]),
  )
  const covers = (a: Answer<Message<'post.add'>[]>, m: Message) => {
    const last = lastOf.get(a)
    return !last || spec.order(m, last) <= 0
  }
  let disputes = 0
  const removed = new Set<string>()
  const lacking = new Map<string, string[]>()
  for (const [id, m] of merged) {
    const servers = answers.filter((a) => idsOf.get(a)?.has(id))
    for (const a of answers) {
      if (servers.includes(a) || !covers(a, m)) continue
      if (!removed.has(id) && disputes++ < MAX_DISPUTES && (await removalFrom(ctx, a.node, m))) {
        removed.add(id)
      }
      if (!removed.has(id)) lacking.set(a.node.name, [...(lacking.get(a.node.name) ?? []), id])
    }
    if (removed.has(id)) {
      for (const s of servers) {
        fault(
          ctx,
          faults,
          s.node.name,
          'client.node_stale',
          `${s.node.name} served removed post ${id}`,
        )
      }
    }
  }
  for (const [node, ids] of lacking) {
    const report = { node, ids }
    withheld.push(report)
    ctx.onWithheld?.(report)
  }
  const posts = [...merged.values()]
    .filter((m) => !removed.has(toHex(m.id)))
    .sort(spec.order)
    .slice(0, spec.limit)
  return { posts, withheld, faults }
}

/** Whether `node` holds a verified, authorized removal of post `m` by its author. */
export async function removalFrom(
  ctx: ClientContext,
  node: NodeTransport,
  m: Message<'post.add'>,
): Promise<boolean> {
  try {
    const network = await ctx.network()
    const answer = await node.query(
      { q: 'removal', author: m.data.author, id: m.id },
      AbortSignal.timeout(ctx.timeoutMs),
    )
    const removals = verifyAll(node.name, answer, network).filter(
      (r) =>
        r.data.type === 'post.remove' &&
        equalBytes(r.data.author, m.data.author) &&
        equalBytes((r as Message<'post.remove'>).data.body.target, m.id),
    )
    if (removals.length === 0) return false
    const ok = await authorized(ctx, [{ node: node.name, messages: removals }], [], [])
    return ok.size > 0
  } catch {
    return false
  }
}
