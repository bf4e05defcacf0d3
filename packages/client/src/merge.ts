import { conflictKey, type Message, messageWins, toHex } from '@freebird/protocol'
import type { ClientContext, NodeFault, WithheldReport } from './context.ts'
import type { Answer } from './read.ts'
import { fault } from './read.ts'

/** Disputes checked per read; beyond, the node is just reported. */
const MAX_DISPUTES = 32

/**
 * Merges the winning messages several nodes served, one per conflict key,
 * with the protocol's merge rules (PROTOCOL.md §10.2). A node that served a
 * message the merged winner beats is stale (`client.node_stale`); one that
 * served nothing for a key another node has is withholding. Returns the
 * winners.
 */
export async function mergeWinners(
  ctx: ClientContext,
  answers: Answer<Message[]>[],
  faults: NodeFault[],
  withheld: WithheldReport[],
  /** When a node's answer was cut at its limit, it need not hold every key. */
  complete: (answer: Answer<Message[]>) => boolean = () => true,
  /**
   * Asked when a node left out a winner another served: resolves true when
   * that node proves the winner superseded (a message the answer's shape
   * leaves out, such as an unfollow). The winner is then dropped and the
   * nodes that served it are stale; otherwise the node withheld it.
   */
  explain?: (node: Answer<Message[]>['node'], winner: Message) => Promise<boolean>,
): Promise<Message[]> {
  const winners = new Map<string, Message>()
  let disputes = 0
  for (const { value } of answers) {
    for (const m of value) {
      const key = conflictKey(m)
      const current = winners.get(key)
      if (!current || messageWins(m, current)) winners.set(key, m)
    }
  }
  for (const answer of answers) {
    const name = answer.node.name
    const byKey = new Map(answer.value.map((m) => [conflictKey(m), m]))
    const lacking: string[] = []
    for (const [key, winner] of winners) {
      const own = byKey.get(key)
      if (own === winner || (own && toHex(own.id) === toHex(winner.id))) continue
      if (own) {
        fault(
          ctx,
          faults,
          name,
          'client.node_stale',
          `${name} served a superseded ${own.data.type}`,
        )
        lacking.push(toHex(winner.id))
      } else if (complete(answer)) {
        if (explain && disputes++ < MAX_DISPUTES && (await explain(answer.node, winner))) {
          winners.delete(key)
          for (const other of answers) {
            if (other.value.includes(winner)) {
              const n = other.node.name
              fault(
                ctx,
                faults,
                n,
                'client.node_stale',
                `${n} served superseded ${toHex(winner.id)}`,
              )
            }
          }
          continue
        }
        lacking.push(toHex(winner.id))
      }
    }
    if (lacking.length > 0) {
      const report = { node: name, ids: lacking }
      withheld.push(report)
      ctx.onWithheld?.(report)
    }
  }
  return [...winners.values()]
}
