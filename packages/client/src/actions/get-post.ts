import { type Message, toHex } from '@freebird/protocol'
import { idArg } from '../args.ts'
import type { ClientContext, NodeFault, WithheldReport } from '../context.ts'
import { ClientError } from '../errors.ts'
import { type PostView, removalFrom, toPostView } from '../posts.ts'
import { noAnswer, readFrom } from '../read.ts'
import { authorized } from '../signers.ts'
import { verifyEnvelope } from '../verify.ts'

export interface GetPostResult {
  /** The verified message. */
  message: Message
  /** The post built from it, when the message is a post. */
  post?: PostView
  /** Whether its author removed the post (a verified, authorized removal was served). */
  removed: boolean
  /** Nodes that answered "not found" while another served it. */
  withheld: WithheldReport[]
  /** Nodes whose answer did not verify or was superseded (never shown). */
  faults: NodeFault[]
}

/**
 * Reads a message by id from `reads` nodes and verifies every answer: the id
 * is recomputed from the bytes, the signature and the signer's authorization
 * checked here. A node that serves something else is reported in `faults`;
 * one that says "not found" while another serves it, in `withheld`.
 *
 * @example
 * ```ts
 * const { post, removed, withheld } = await client.getPost(id)
 * if (post && !removed) console.log(post.author, post.text)
 * ```
 */
export async function getPost(ctx: ClientContext, id: string): Promise<GetPostResult> {
  const wanted = idArg(id)
  const network = await ctx.network()
  const outcome = await readFrom(ctx, async (node, signal) => {
    const [bytes] = await node.query({ q: 'message', id: wanted }, signal)
    return bytes ? verifyEnvelope(node.name, bytes, network, wanted) : undefined
  })
  const faults = [...outcome.faults]
  const withheld: WithheldReport[] = []
  const found = outcome.answers.find((a) => a.value)?.value
  if (!found) {
    if (outcome.answers.length === 0) throw noAnswer(outcome)
    throw new ClientError('client.not_found', `no node asked has message ${id}`)
  }
  const served = outcome.answers.flatMap((a) =>
    a.value ? [{ node: a.node.name, messages: [a.value] }] : [],
  )
  if ((await authorized(ctx, served, faults, withheld)).size === 0) {
    const first = faults[faults.length - 1] as NodeFault
    throw new ClientError(first.code, first.message, { node: first.node })
  }
  let removed = false
  if (found.data.type === 'post.add') {
    // Any node that answered may hold the author's removal; one verified removal decides.
    const post = found as Message<'post.add'>
    const held = await Promise.all(outcome.answers.map((a) => removalFrom(ctx, a.node, post)))
    removed = held.some(Boolean)
  }
  const missing = outcome.answers.filter((a) => !a.value).map((a) => a.node.name)
  if (!removed) {
    for (const node of missing) {
      const report = { node, ids: [toHex(found.id)] }
      withheld.push(report)
      ctx.onWithheld?.(report)
    }
  }
  return {
    message: found,
    ...(found.data.type === 'post.add' ? { post: toPostView(found as Message<'post.add'>) } : {}),
    removed,
    withheld,
    faults,
  }
}
