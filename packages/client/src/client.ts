import type { ProfileField } from '@freebird/protocol'
import { follow, unfollow } from './actions/follow.ts'
import type { GetBalanceResult } from './actions/get-balance.ts'
import { type FeedPage, type GetFeedArgs, getFeed } from './actions/get-feed.ts'
import { type GetFollowersResult, getFollowers } from './actions/get-followers.ts'
import { type GetFollowingResult, getFollowing } from './actions/get-following.ts'
import { type GetPostResult, getPost } from './actions/get-post.ts'
import { type GetProfileResult, getProfile } from './actions/get-profile.ts'
import { type GetThreadResult, getThread } from './actions/get-thread.ts'
import type { GetTipsResult } from './actions/get-tips.ts'
import type { GetTransfersOptions, GetTransfersResult } from './actions/get-transfers.ts'
import { type PostArgs, post } from './actions/post.ts'
import { type ReactArgs, react, unreact } from './actions/react.ts'
import { remove } from './actions/remove.ts'
import { type ReplyArgs, reply } from './actions/reply.ts'
import type { PendingOrder } from './actions/resume-pending.ts'
import { setProfile } from './actions/set-profile.ts'
import { type AddSignerArgs, addSigner, removeSigner } from './actions/signers.ts'
import type { SubmitResult } from './actions/submit.ts'
import { type SubscribeArgs, type Subscription, subscribe } from './actions/subscribe.ts'
import type { TransferArgs, TransferResult } from './actions/transfer.ts'
import {
  type ClientContext,
  type ClientOptions,
  createContext,
  type HostFactory,
} from './context.ts'

/**
 * A light client: every write is signed here, every read verified here.
 * Each method is one action (src/actions/); reads return their data with
 * `withheld` and `faults`.
 *
 * @example
 * ```ts
 * const client = createClient({ nodes, signer })
 * await client.follow('fb1...')
 * const { posts, next } = await client.getFeed({ limit: 20 })
 * const sub = client.subscribe({ types: ['post.add'], onMessage: (m) => render(m) })
 * await client.transfer({ to: 'fb1...', amount: 100n })
 * const { balance, source } = await client.getBalance()
 * ```
 */
export interface Client {
  readonly context: ClientContext
  /** Signs a post and submits it to every node. */
  post(args: PostArgs): Promise<SubmitResult>
  /** Signs a reply to a post and submits it. */
  reply(args: ReplyArgs): Promise<SubmitResult>
  /** Removes one of the account's posts, for good. */
  remove(postId: string): Promise<SubmitResult>
  /** Likes (or reposts) a post. */
  react(args: ReactArgs): Promise<SubmitResult>
  /** Takes a reaction back. */
  unreact(args: ReactArgs): Promise<SubmitResult>
  /** Follows an account. */
  follow(account: string): Promise<SubmitResult>
  /** Stops following an account. */
  unfollow(account: string): Promise<SubmitResult>
  /** Sets one profile field. */
  setProfile(args: { field: ProfileField; value: string }): Promise<SubmitResult>
  /** Authorizes an app key for this account (root key only). */
  addSigner(args: AddSignerArgs): Promise<SubmitResult>
  /** Revokes an app key and everything it signed (root key only). */
  removeSigner(key: string): Promise<SubmitResult>
  /** One message by id, verified, with whether its post was removed. */
  getPost(id: string): Promise<GetPostResult>
  /** A post and its direct replies, merged across nodes. */
  getThread(id: string, options?: { limit?: number }): Promise<GetThreadResult>
  /** A page of the posts of the accounts an account follows, newest first. */
  getFeed(args?: GetFeedArgs): Promise<FeedPage>
  /** An account's profile fields, rebuilt from verified messages. */
  getProfile(account: string): Promise<GetProfileResult>
  /** Whom an account follows. */
  getFollowing(account: string): Promise<GetFollowingResult>
  /** Who follows an account. */
  getFollowers(account: string): Promise<GetFollowersResult>
  /** A live, verified stream of new messages that survives reconnects. */
  subscribe(args: SubscribeArgs): Subscription
  /** Moves tokens: a signed order certified by a quorum of validators; final when it resolves. */
  transfer(args: TransferArgs): Promise<TransferResult>
  /** Tips a post's author; the tip counts in the post's certified tip total. */
  tip(
    postId: string,
    amount: bigint | number | string,
    options?: { memo?: string },
  ): Promise<TransferResult>
  /** An account's balance (default: the client's): attested by a quorum, or a verified lower bound. */
  getBalance(account?: string): Promise<GetBalanceResult>
  /** An account's certified transfers (default: the client's), newest first, verified. */
  getTransfers(account?: string, options?: GetTransfersOptions): Promise<GetTransfersResult>
  /** The verified tips to a post and their total. */
  getTips(postId: string): Promise<GetTipsResult>
  /** Finishes a transfer order a crash left pending in the store, if any. */
  resumePending(): Promise<TransferResult | undefined>
  /** Forgets the pending order (only for one that can never be certified). */
  discardPending(): Promise<PendingOrder | undefined>
  /** Closes connections (the libp2p host, when multiaddrs were given). */
  close(): Promise<void>
}

/** The token actions, loaded on first use (see ledger-actions.ts). */
const ledger = () => import('./ledger-actions.ts')

/** Binds every action to one context; the runtime entry points pass their libp2p host. */
export function createClientWith(options: ClientOptions, makeHost: HostFactory): Client {
  const ctx = createContext(options, makeHost)
  return {
    context: ctx,
    post: (args) => post(ctx, args),
    reply: (args) => reply(ctx, args),
    remove: (id) => remove(ctx, id),
    react: (args) => react(ctx, args),
    unreact: (args) => unreact(ctx, args),
    follow: (account) => follow(ctx, account),
    unfollow: (account) => unfollow(ctx, account),
    setProfile: (args) => setProfile(ctx, args),
    addSigner: (args) => addSigner(ctx, args),
    removeSigner: (key) => removeSigner(ctx, key),
    getPost: (id) => getPost(ctx, id),
    getThread: (id, o) => getThread(ctx, id, o),
    getFeed: (args) => getFeed(ctx, args),
    getProfile: (account) => getProfile(ctx, account),
    getFollowing: (account) => getFollowing(ctx, account),
    getFollowers: (account) => getFollowers(ctx, account),
    subscribe: (args) => subscribe(ctx, args),
    transfer: async (args) => (await ledger()).transfer(ctx, args),
    tip: async (postId, amount, o) => (await ledger()).tip(ctx, postId, amount, o),
    getBalance: async (account) => (await ledger()).getBalance(ctx, account),
    getTransfers: async (account, o) => (await ledger()).getTransfers(ctx, account, o),
    getTips: async (postId) => (await ledger()).getTips(ctx, postId),
    resumePending: async () => (await ledger()).resumePending(ctx),
    discardPending: async () => (await ledger()).discardPending(ctx),
    close: () => ctx.close(),
  }
}
