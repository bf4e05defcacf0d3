import { equalBytes, formatAccount, type Message } from '@freebird/protocol'
import { accountArg } from '../args.ts'
import type { ClientContext, NodeFault, WithheldReport } from '../context.ts'
import { readWinners } from '../winners.ts'

export interface GetFollowingResult {
  account: string
  /** Accounts (`fb1...`) it follows, sorted. */
  following: string[]
  /** The verified `follow.add` messages. */
  messages: Message<'follow.add'>[]
  withheld: WithheldReport[]
  faults: NodeFault[]
}

const LIMIT = 500

/** The verified follow winners of an account (adds and removes), merged across nodes. */
export async function followWinners(ctx: ClientContext, author: Uint8Array) {
  return readWinners(ctx, {
    ask: (node, signal) => node.query({ q: 'following', author, limit: LIMIT }, signal),
    misfit: (m) =>
      m.data.type !== 'follow.add' && m.data.type !== 'follow.remove'
        ? m.data.type
        : equalBytes(m.data.author, author)
          ? undefined
          : 'another account',
    limit: LIMIT,
  })
}

/**
 * Reads whom an account follows from `reads` nodes, rebuilt from verified
 * follow and unfollow messages (latest wins per account followed): a node
 * that still shows a follow another node has seen undone is reported stale.
 *
 * @example
 * ```ts
 * const { following } = await client.getFollowing('fb1...')
 * ```
 */
export async function getFollowing(
  ctx: ClientContext,
  account: string,
): Promise<GetFollowingResult> {
  const author = accountArg(account)
  const view = await followWinners(ctx, author)
  const messages = view.winners.filter(
    (m): m is Message<'follow.add'> => m.data.type === 'follow.add',
  )
  return {
    account: formatAccount(author),
    following: messages.map((m) => formatAccount(m.data.body.target)).sort(),
    messages,
    withheld: view.withheld,
    faults: view.faults,
  }
}
