import { equalBytes, formatAccount, type Message } from '@freebird/protocol'
import type { ClientContext, NodeFault, WithheldReport } from '../context.ts'
import { readWinners } from '../winners.ts'
import { accountArg } from './sign.ts'

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
