/** Everything both entry points (Node and browser) export besides `createClient`. */

export type { GetBalanceResult } from './actions/get-balance.ts'
export type { FeedPage, GetFeedArgs } from './actions/get-feed.ts'
export type { GetFollowersResult } from './actions/get-followers.ts'
export type { GetFollowingResult } from './actions/get-following.ts'
export type { GetPostResult } from './actions/get-post.ts'
export type { GetProfileResult } from './actions/get-profile.ts'
export type { GetThreadResult } from './actions/get-thread.ts'
export type { GetTipsResult } from './actions/get-tips.ts'
export type { GetTransfersOptions, GetTransfersResult } from './actions/get-transfers.ts'
export type { PostArgs } from './actions/post.ts'
export type { ReactArgs } from './actions/react.ts'
export type { ReplyArgs } from './actions/reply.ts'
export type { PendingOrder } from './actions/resume-pending.ts'
export type { AddSignerArgs } from './actions/signers.ts'
export type { SubmitResult } from './actions/submit.ts'
export type { SubscribeArgs, Subscription } from './actions/subscribe.ts'
export type { TransferArgs, TransferResult } from './actions/transfer.ts'
export type { Client } from './client.ts'
export type { ClientOptions, NodeFault, WithheldReport } from './context.ts'
export { CLIENT_CODES, type ClientCode, ClientError } from './errors.ts'
export type { LastRecord, PendingRecord, TransferView } from './ledger.ts'
export type { PostView } from './posts.ts'
export { type KeyValueStore, localStorageStore, memoryStore, type WebStorage } from './store.ts'
export { httpTransport } from './transports/http.ts'
export { type ClientHost, libp2pTransport } from './transports/libp2p.ts'
export type {
  BalanceAnswer,
  CertificateAnswer,
  LedgerPage,
  NodeTransport,
  OrderAnswer,
  Query,
  SubmitAnswer,
  SubscribeFilter,
} from './transports/types.ts'
export { verifyEnvelope } from './verify.ts'
