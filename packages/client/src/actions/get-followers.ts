import { equalBytes, formatAccount, type Message, messageWins } from '@freebird/protocol'
import { accountArg } from '../args.ts'
import type { ClientContext, NodeFault, WithheldReport } from '../context.ts'
import { authorized } from '../signers.ts'
import { verifyAll } from '../verify.ts'
import { readWinners } from '../winners.ts'

export interface GetFollowersResult {
  account: string
  /** Accounts (`fb1...`) that follow it, sorted. */
  followers: string[]
  /** The verified `follow.add` messages. */
  messages: Message<'follow.add'>[]
  withheld: WithheldReport[]
  faults: NodeFault[]
}

const LIMIT = 500

/**
 * Reads who follows an account from `reads` nodes: each follower proven by
 * its verified `follow.add`; a follower one node leaves out while another
 * serves it is reported.
 *
 * @example
 * ```ts
 * const { followers } = await client.getFollowers('fb1...')
 * ```
 */
export async function getFollowers(
  ctx: ClientContext,
  account: string,
): Promise<GetFollowersResult> {
  const target = accountArg(account)
  const view = await readWinners(ctx, {
    ask: (node, signal) => node.query({ q: 'followers', account: target, limit: LIMIT }, signal),
    misfit: (m) =>
      m.data.type !== 'follow.add'
        ? m.data.type
        : equalBytes(m.data.body.target, target)
          ? undefined
          : 'a follow of another account',
    limit: LIMIT,
    // A node that leaves a follower out may hold the follower's later unfollow,
    // which the followers answer cannot carry: ask it for the follower's follows.
    explain: async (node, winner) => {
      try {
        const follows = verifyAll(
          node.name,
          await node.query(
            { q: 'following', author: winner.data.author, limit: LIMIT },
            AbortSignal.timeout(ctx.timeoutMs),
          ),
          await ctx.network(),
        ).filter(
          (m) =>
            m.data.type === 'follow.remove' &&
            equalBytes(m.data.author, winner.data.author) &&
            equalBytes(m.data.body.target, target) &&
            messageWins(m, winner),
        )
        if (follows.length === 0) return false
        return (await authorized(ctx, [{ node: node.name, messages: follows }], [], [])).size > 0
      } catch {
        return false
      }
    },
  })
  const messages = view.winners as Message<'follow.add'>[]
  return {
    account: formatAccount(target),
    followers: messages.map((m) => formatAccount(m.data.author)).sort(),
    messages,
    withheld: view.withheld,
    faults: view.faults,
  }
}
