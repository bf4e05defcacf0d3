import { type Message, toHex } from '@freebird/protocol'
import type { ClientContext } from '../context.ts'
import { ClientError } from '../errors.ts'

/** Where a submitted message went. */
export interface SubmitResult {
  /** The message id (hex). */
  id: string
  message: Message
  /** Nodes that stored it (or had it already). */
  stored: string[]
  /** Nodes that refused it, with their codes. */
  refused: { node: string; code: string; message: string }[]
  /** Nodes that could not be reached. */
  failed: string[]
}

/**
 * Sends a signed message to every node at once (censorship resistance: one
 * node cannot drop it alone). Resolves once all have answered, if at least
 * one stored it; otherwise throws `client.rejected` or `client.unavailable`.
 */
export async function submitMessage(ctx: ClientContext, message: Message): Promise<SubmitResult> {
  const result: SubmitResult = {
    id: toHex(message.id),
    message,
    stored: [],
    refused: [],
    failed: [],
  }
  await Promise.all(
    ctx.nodes.map(async (node) => {
      try {
        const answer = await node.submit(message.bytes, AbortSignal.timeout(ctx.timeoutMs))
        ctx.report(node, true)
        if (answer.status === 'refused') {
          result.refused.push({ node: node.name, code: answer.code, message: answer.message })
        } else {
          result.stored.push(node.name)
        }
      } catch {
        ctx.report(node, false)
        result.failed.push(node.name)
      }
    }),
  )
  if (result.stored.length > 0) return result
  const first = result.refused[0]
  if (first) {
    throw new ClientError(
      'client.rejected',
      `refused by every node: ${first.message} (${first.code})`,
      {
        node: first.node,
        cause: result.refused,
      },
    )
  }
  throw new ClientError('client.unavailable', 'no node could be reached', { cause: result.failed })
}
