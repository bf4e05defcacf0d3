import type { ProfileField } from '@freebird/protocol'
import { follow, unfollow } from './actions/follow.ts'
import { type FeedPage, type GetFeedArgs, getFeed } from './actions/get-feed.ts'
import { type GetFollowersResult, getFollowers } from './actions/get-followers.ts'
import { type GetFollowingResult, getFollowing } from './actions/get-following.ts'
import { type GetPostResult, getPost } from './actions/get-post.ts'
import { type GetProfileResult, getProfile } from './actions/get-profile.ts'
import { type GetThreadResult, getThread } from './actions/get-thread.ts'
import { type PostArgs, post } from './actions/post.ts'
import { type ReactArgs, react, unreact } from './actions/react.ts'
import { remove } from './actions/remove.ts'
import { type ReplyArgs, reply } from './actions/reply.ts'
import { setProfile } from './actions/set-profile.ts'
import { type AddSignerArgs, addSigner, removeSigner } from './actions/signers.ts'
import type { SubmitResult } from './actions/submit.ts'
import { type SubscribeArgs, type Subscription, subscribe } from './actions/subscribe.ts'
import {
  type ClientContext,
  type ClientOptions,
  createContext,
  type HostFactory,
} from './context.ts'

/** A light client: every write is signed here, every read verified here. */
export interface Client {
  readonly context: ClientContext
  post(args: PostArgs): Promise<SubmitResult>
  reply(args: ReplyArgs): Promise<SubmitResult>
  remove(postId: string): Promise<SubmitResult>
  react(args: ReactArgs): Promise<SubmitResult>
  unreact(args: ReactArgs): Promise<SubmitResult>
  follow(account: string): Promise<SubmitResult>
  unfollow(account: string): Promise<SubmitResult>
  setProfile(args: { field: ProfileField; value: string }): Promise<SubmitResult>
  addSigner(args: AddSignerArgs): Promise<SubmitResult>
  removeSigner(key: string): Promise<SubmitResult>
  getPost(id: string): Promise<GetPostResult>
  getThread(id: string, options?: { limit?: number }): Promise<GetThreadResult>
  getFeed(args?: GetFeedArgs): Promise<FeedPage>
  getProfile(account: string): Promise<GetProfileResult>
  getFollowing(account: string): Promise<GetFollowingResult>
  getFollowers(account: string): Promise<GetFollowersResult>
  subscribe(args: SubscribeArgs): Subscription
  /** Closes connections (the libp2p host, when multiaddrs were given). */
  close(): Promise<void>
}

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
    close: () => ctx.close(),
  }
}
