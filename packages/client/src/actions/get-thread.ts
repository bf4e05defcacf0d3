import { formatAccount, type Message, toHex } from '@freebird/protocol'
import type { ClientContext, NodeFault, WithheldReport } from '../context.ts'
import { ClientError } from '../errors.ts'
import { parseId, verifyEnvelope } from '../verify.ts'

export interface ThreadPost {
  id: string
  author: string
  timestamp: number
  text: string
  parent?: string
  /** The verified message it was built from. */
  message: Message
}

export interface GetThreadResult {
  post: ThreadPost
  /** Every reply in the thread (replies of replies too), oldest first. */
  replies: ThreadPost[]
  /** Nodes that left out what another node served. */
  withheld: WithheldReport[]
  faults: NodeFault[]
}

const toPost = (m: Message<'post.add'>): ThreadPost => ({
  id: toHex(m.id),
  author: formatAccount(m.data.author),
  timestamp: m.data.timestamp,
  text: m.data.body.text,
  ...(m.data.body.parent ? { parent: toHex(m.data.body.parent) } : {}),
  message: m,
})

/**
 * Reads a thread from `reads` nodes, verifies every message, and merges
 * them: a reply one node withholds but another serves is shown, and the
 * withholding node reported. Reaction counts are not taken from nodes (they
 * are not signed).
 *
 * @example
 * ```ts
 * const { post, replies, withheld } = await client.getThread(id)
 * ```
 */
export async function getThread(ctx: ClientContext, id: string): Promise<GetThreadResult> {
  const wanted = parseId(id)
  const network = await ctx.network()
  const faults: NodeFault[] = []
  const served = new Map<string, Set<string>>()
  const messages = new Map<string, Message<'post.add'>>()
  await Promise.all(
    ctx.pick(ctx.reads).map(async (node) => {
      try {
        const answer = await node.thread(id, AbortSignal.timeout(ctx.timeoutMs))
        const ids = new Set<string>()
        served.set(node.name, ids)
        if (!answer) return
        const [root, ...replies] = answer
        const verified = [
          verifyEnvelope(node.name, root as Uint8Array, network, wanted),
          ...replies.map((bytes) => verifyEnvelope(node.name, bytes, network)),
        ]
        for (const m of verified) {
          if (m.data.type !== 'post.add') {
            throw new ClientError(
              'client.node_lied',
              `${node.name} put a ${m.data.type} in a thread`,
              {
                node: node.name,
              },
            )
          }
        }
        // A reply must hang off the thread: its parent is the root or another reply served.
        const inThread = new Set([id, ...verified.map((m) => toHex(m.id))])
        for (const m of verified.slice(1) as Message<'post.add'>[]) {
          const parent = m.data.body.parent
          if (!parent || !inThread.has(toHex(parent))) {
            throw new ClientError(
              'client.node_lied',
              `${node.name} served a reply from another thread`,
              {
                node: node.name,
              },
            )
          }
        }
        for (const m of verified as Message<'post.add'>[]) {
          ids.add(toHex(m.id))
          messages.set(toHex(m.id), m)
        }
      } catch (error) {
        served.delete(node.name)
        if (error instanceof ClientError && error.code === 'client.node_lied') {
          faults.push({ node: node.name, code: error.code, message: error.message })
        }
      }
    }),
  )
  for (const fault of faults) ctx.onFault?.(fault)
  const root = messages.get(id)
  if (!root) {
    if (faults.length > 0) {
      const first = faults[0] as NodeFault
      throw new ClientError('client.node_lied', first.message, { node: first.node })
    }
    if (served.size === 0) throw new ClientError('client.unavailable', 'no node answered')
    throw new ClientError('client.not_found', `no node asked has post ${id}`)
  }
  const withheld: WithheldReport[] = []
  for (const [node, ids] of served) {
    const lacking = [...messages.keys()].filter((m) => !ids.has(m))
    if (lacking.length > 0) withheld.push({ node, ids: lacking })
  }
  for (const report of withheld) ctx.onWithheld?.(report)
  const replies = [...messages.values()]
    .filter((m) => toHex(m.id) !== id)
    .sort((a, b) => a.data.timestamp - b.data.timestamp || toHex(a.id).localeCompare(toHex(b.id)))
    .map(toPost)
  return { post: toPost(root), replies, withheld, faults }
}
