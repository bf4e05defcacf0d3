import type { Message } from '@freebird/protocol'
import type { ClientContext, NodeFault, WithheldReport } from './context.ts'
import { mergeWinners } from './merge.ts'
import type { NodeTransport } from './transports/types.ts'
import { readVerified } from './verified-read.ts'

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
  const { answers, faults, withheld } = await readVerified(ctx, spec.ask, spec.misfit)
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
