import type { Message } from '@freebird/protocol'
import type { ClientContext, NodeFault, WithheldReport } from './context.ts'
import { type Answer, noAnswer, readFrom } from './read.ts'
import { authorized } from './signers.ts'
import type { NodeTransport } from './transports/types.ts'
import { misplaced, verifyAll } from './verify.ts'

export interface VerifiedRead<T extends Message> {
  /** Each node's messages that verified and whose signer was authorized. */
  answers: Answer<T[]>[]
  faults: NodeFault[]
  withheld: WithheldReport[]
}

/**
 * Reads from `reads` nodes (with failover), and keeps what can be shown:
 * every message verified, answering the question (`misfit` says why not;
 * then the node lied and its answer is dropped), and signed by a key the
 * author authorized. Throws when no node answered.
 */
export async function readVerified<T extends Message>(
  ctx: ClientContext,
  ask: (node: NodeTransport, signal: AbortSignal) => Promise<Uint8Array[]>,
  misfit: (m: Message) => string | undefined | Promise<string | undefined>,
): Promise<VerifiedRead<T>> {
  const network = await ctx.network()
  const outcome = await readFrom(ctx, async (node, signal) => {
    const messages = verifyAll(node.name, await ask(node, signal), network)
    for (const m of messages) {
      const why = await misfit(m)
      if (why) throw misplaced(node.name, `a message that does not answer the question (${why})`)
    }
    return messages as T[]
  })
  if (outcome.answers.length === 0) throw noAnswer(outcome)
  const faults = [...outcome.faults]
  const withheld: WithheldReport[] = []
  const ok = await authorized(
    ctx,
    outcome.answers.map((a) => ({ node: a.node.name, messages: a.value })),
    faults,
    withheld,
  )
  const answers = outcome.answers.map((a) => ({
    node: a.node,
    value: a.value.filter((m) => ok.has(m)),
  }))
  return { answers, faults, withheld }
}
