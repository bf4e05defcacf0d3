import type { Message } from '@freebird/protocol'
import type { ClientContext, NodeFault, WithheldReport } from './context.ts'
import { mergeWinners } from './merge.ts'
import { type Answer, noAnswer, readFrom } from './read.ts'
import { authorized } from './signers.ts'
import type { NodeTransport } from './transports/types.ts'
import { misplaced, verifyAll } from './verify.ts'

export interface WinnersSpec {
  ask: (node: NodeTransport, signal: AbortSignal) => Promise<Uint8Array[]>
  /** Why a message does not answer this question (then the node lied), or undefined. */
  misfit: (m: Message) => string | undefined
  /** The most a node sends: a shorter answer is the node's whole set. */
  limit?: number
  /** See mergeWinners: whether a node that left a winner out can show it superseded. */
  explain?: (node: NodeTransport, winner: Message) => Promise<boolean>
}

export interface Winners {
  /** One winning message per conflict key, under the protocol's merge rules. */
  winners: Message[]
  withheld: WithheldReport[]
  faults: NodeFault[]
}

/**
 * Reads a last-writer-wins view (profile fields, follows) from `reads` nodes:
 * every message verified and authorized, then merged per conflict key, so a
 * node whose winner another node's message beats is reported stale.
 */
export async function readWinners(ctx: ClientContext, spec: WinnersSpec): Promise<Winners> {
  const network = await ctx.network()
  const outcome = await readFrom(ctx, async (node, signal) => {
    const messages = verifyAll(node.name, await spec.ask(node, signal), network)
    for (const m of messages) {
      const why = spec.misfit(m)
      if (why) throw misplaced(node.name, `a message that does not answer the question (${why})`)
    }
    return messages
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
  const answers: Answer<Message[]>[] = outcome.answers.map((a) => ({
    node: a.node,
    value: a.value.filter((m) => ok.has(m)),
  }))
  const limit = spec.limit
  const winners = await mergeWinners(
    ctx,
    answers,
    faults,
    withheld,
    (a) => (limit === undefined ? true : a.value.length < limit),
    spec.explain,
  )
  return { winners, withheld, faults }
}
