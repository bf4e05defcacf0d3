import type { Message } from '@freebird/protocol'
import type { ClientContext, NodeFault } from '../context.ts'
import { ClientError } from '../errors.ts'
import { parseId, verifyEnvelope } from '../verify.ts'

export interface GetPostResult {
  /** The verified message. */
  message: Message
  /** Nodes that answered "not found" while another served it. */
  withheld: string[]
  /** Nodes whose answer did not verify (never shown). */
  faults: NodeFault[]
}

/**
 * Reads a message by id from `reads` nodes and verifies every answer: the id
 * is recomputed from the bytes and the signature checked here. A node that
 * serves something else is reported in `faults`; one that says "not found"
 * while another serves it, in `withheld`.
 *
 * @example
 * ```ts
 * const { message, withheld } = await client.getPost(id)
 * ```
 */
export async function getPost(ctx: ClientContext, id: string): Promise<GetPostResult> {
  const wanted = parseId(id)
  const network = await ctx.network()
  const faults: NodeFault[] = []
  const missing: string[] = []
  let message: Message | undefined
  let answered = 0
  await Promise.all(
    ctx.pick(ctx.reads).map(async (node) => {
      try {
        const bytes = await node.message(id, AbortSignal.timeout(ctx.timeoutMs))
        answered++
        if (!bytes) {
          missing.push(node.name)
          return
        }
        // Every answer is checked, not only the first: a second node's lie is reported too.
        const verified = verifyEnvelope(node.name, bytes, network, wanted)
        message ??= verified
      } catch (error) {
        if (error instanceof ClientError && error.code === 'client.node_lied') {
          faults.push({ node: node.name, code: error.code, message: error.message })
        }
      }
    }),
  )
  for (const fault of faults) ctx.onFault?.(fault)
  if (!message) {
    if (faults.length > 0 && missing.length === 0) {
      const first = faults[0] as NodeFault
      throw new ClientError('client.node_lied', first.message, { node: first.node })
    }
    if (answered === 0) throw new ClientError('client.unavailable', 'no node answered')
    throw new ClientError('client.not_found', `no node asked has message ${id}`)
  }
  for (const node of missing) ctx.onWithheld?.({ node, ids: [id] })
  return { message, withheld: missing, faults }
}
