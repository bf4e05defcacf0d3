import {
  compareBytes,
  formatAccount,
  fromHex,
  ID_BYTES,
  type Message,
  toHex,
} from '@freebird/protocol'
import { accountArg } from '../args.ts'
import type { ClientContext, NodeFault, WithheldReport } from '../context.ts'
import { ClientError } from '../errors.ts'
import { newestFirst, type PostView, readPostList, toPostView } from '../posts.ts'
import { followWinners } from './get-following.ts'

export interface GetFeedArgs {
  /** Whose feed (`fb1...`); default the client's account. */
  account?: string
  /** Posts per page (1 to 500, default 50). */
  limit?: number
  /** `next` of the previous page. */
  cursor?: string
}

export interface FeedPage {
  /** Posts of the accounts followed, newest first. */
  posts: PostView[]
  /** Pass as `cursor` for the next page; absent on the last page. */
  next?: string
  withheld: WithheldReport[]
  faults: NodeFault[]
}

function parseCursor(cursor: string): { timestamp: number; id: Uint8Array } {
  const [t, id] = cursor.split(':')
  const timestamp = Number(t)
  try {
    if (!Number.isSafeInteger(timestamp) || !id) throw new Error('malformed')
    return { timestamp, id: fromHex(id, ID_BYTES) }
  } catch (error) {
    throw new ClientError('client.invalid_request', `not a feed cursor: ${cursor}`, {
      cause: error,
    })
  }
}

const olderThan = (m: Message, c: { timestamp: number; id: Uint8Array }) =>
  m.data.timestamp < c.timestamp ||
  (m.data.timestamp === c.timestamp && compareBytes(m.id, c.id) < 0)

/**
 * One page of an account's feed: posts of the accounts it follows, newest
 * first. The follow list is rebuilt from verified messages and every post
 * checked against it, so a node cannot slip in posts of accounts not
 * followed; posts one node withholds and another serves are shown and
 * reported.
 *
 * @example
 * ```ts
 * let page = await client.getFeed({ limit: 20 })
 * while (page.next) page = await client.getFeed({ limit: 20, cursor: page.next })
 * ```
 */
export async function getFeed(ctx: ClientContext, args: GetFeedArgs = {}): Promise<FeedPage> {
  const account = args.account ? accountArg(args.account) : ctx.account
  if (!account) {
    throw new ClientError('client.invalid_request', 'name the account, or give the client a signer')
  }
  const limit = args.limit ?? 50
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new ClientError('client.invalid_request', 'limit must be an integer from 1 to 500')
  }
  const after = args.cursor ? parseCursor(args.cursor) : undefined
  // The follow list and the page are read at once: one round trip to first page.
  const follows = followWinners(ctx, account)
  follows.catch(() => {})
  const followed = follows.then(
    (v) =>
      new Set(
        v.winners.flatMap((m) => (m.data.type === 'follow.add' ? [toHex(m.data.body.target)] : [])),
      ),
  )
  followed.catch(() => {})
  const list = await readPostList(ctx, {
    ask: (node, signal) =>
      node.query(
        {
          q: 'feed',
          account,
          limit,
          // Strictly after the cursor's post in (timestamp, id) order: none skipped, none twice.
          ...(after ? { before: after.timestamp, beforeId: after.id } : {}),
        },
        signal,
      ),
    misfit: async (m) => {
      if (after && !olderThan(m, after)) return 'a post not older than the cursor'
      return (await followed).has(toHex(m.data.author))
        ? undefined
        : `a post of ${formatAccount(m.data.author)}, not followed`
    },
    limit,
    order: newestFirst,
  })
  const view = await follows
  const posts = list.posts
  const last = posts[posts.length - 1]
  return {
    posts: posts.map(toPostView),
    ...(last && list.posts.length >= limit
      ? { next: `${last.data.timestamp}:${toHex(last.id)}` }
      : {}),
    withheld: [...view.withheld, ...list.withheld],
    faults: [...view.faults, ...list.faults],
  }
}
