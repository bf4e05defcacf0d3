import { compareBytes, equalBytes, type Message } from '@freebird/protocol'
import { idArg } from '../args.ts'
import type { ClientContext, NodeFault, WithheldReport } from '../context.ts'
import { ClientError } from '../errors.ts'
import { type PostView, readPostList, toPostView } from '../posts.ts'

export interface GetThreadResult {
  post: PostView
  /** Direct replies, oldest first, merged across nodes. */
  replies: PostView[]
  /** Nodes that left out what another node served. */
  withheld: WithheldReport[]
  /** Nodes whose answer did not verify or was superseded (never shown). */
  faults: NodeFault[]
}

const oldestFirst = (a: Message, b: Message) =>
  a.data.timestamp - b.data.timestamp || compareBytes(a.id, b.id)

/**
 * Reads a post and its direct replies from `reads` nodes, verifies every
 * message and merges them: a reply one node withholds but another serves is
 * shown, and the withholding node reported; a removed reply is not shown.
 *
 * @example
 * ```ts
 * const { post, replies, withheld } = await client.getThread(id)
 * for (const r of replies) console.log(r.author, r.text)
 * ```
 */
export async function getThread(
  ctx: ClientContext,
  id: string,
  options: { limit?: number } = {},
): Promise<GetThreadResult> {
  const wanted = idArg(id)
  const limit = options.limit ?? 200
  // The root counts in the node's answer, so a full answer is limit + 1 messages.
  const list = await readPostList(ctx, {
    ask: (node, signal) => node.query({ q: 'thread', id: wanted, limit }, signal),
    misfit: (m) =>
      equalBytes(m.id, wanted) || (m.data.body.parent && equalBytes(m.data.body.parent, wanted))
        ? undefined
        : 'a post of another thread',
    limit: limit + 1,
    order: (a, b) =>
      equalBytes(a.id, wanted) ? -1 : equalBytes(b.id, wanted) ? 1 : oldestFirst(a, b),
  })
  const [root, ...replies] = list.posts
  if (!root || !equalBytes(root.id, wanted)) {
    throw new ClientError('client.not_found', `no node asked has post ${id}`)
  }
  return {
    post: toPostView(root),
    replies: replies.map(toPostView),
    withheld: list.withheld,
    faults: list.faults,
  }
}
