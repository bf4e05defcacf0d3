/**
 * @freebird/protocol: the pure core of Freebird. Keys and accounts, signed
 * messages in deterministic CBOR, validation with stable error codes, the
 * delegated-signer rule and the convergent social state. The token ledger
 * (orders, votes, certificates, attestations, and the rules that apply them)
 * is `@freebird/protocol/ledger`: a page that never moves tokens does not
 * load it (bundlers place whole modules, and a barrel re-export would put the
 * ledger in every page's chunk). No I/O; runs unchanged in browsers. The wire
 * format is specified in docs/PROTOCOL.md.
 */

export { ACCOUNT_PREFIX, formatAccount, isAccount, parseAccount } from './account.ts'
export { compareBytes, concatBytes, equalBytes, fromHex, toHex, utf8, utf8Length } from './bytes.ts'
export { decodeCanonical, encodeCanonical } from './encoding.ts'
export {
  AUTHORIZATION_CODES,
  type AuthorizationCode,
  AuthorizationError,
  type ErrorCode,
  FreebirdError,
  type GossipAction,
  gossipAction,
  LEDGER_CODES,
  type LedgerCode,
  LedgerError,
  PARSE_CODES,
  type ParseCode,
  ParseError,
  SYNC_CODES,
  type SyncCode,
  SyncError,
  VALIDATION_CODES,
  type ValidationCode,
  ValidationError,
} from './errors.ts'
export {
  createSigner,
  formatSecretKey,
  generateKeyPair,
  type KeyPair,
  keyPairFromSecretKey,
  parseSecretKey,
  type Signer,
} from './keys.ts'
export * from './limits.ts'
export {
  type BuildOptions,
  buildFollowAdd,
  buildFollowRemove,
  buildMessage,
  buildPostAdd,
  buildPostRemove,
  buildProfileSet,
  buildReactionAdd,
  buildReactionRemove,
  buildSignerAdd,
  buildSignerRemove,
} from './message/build.ts'
export {
  decodeEnvelope,
  decodeMessageData,
  type Envelope,
  encodeEnvelope,
  encodeMessageData,
} from './message/codec.ts'
export { type MessageFilter, matchesFilter } from './message/filter.ts'
export { computeMessageId, MESSAGE_ID_TAG, nobleSha256, type Sha256 } from './message/id.ts'
export { type MessageJson, messageBytesFromJson, messageToJson } from './message/json.ts'
export type {
  Embed,
  FollowBody,
  Message,
  MessageBodies,
  MessageData,
  MessageType,
  PostAddBody,
  PostRemoveBody,
  ProfileField,
  ProfileSetBody,
  ReactionBody,
  ReactionKind,
  SignerAddBody,
  SignerRemoveBody,
  SignerScope,
} from './message/types.ts'
export { MESSAGE_TYPES } from './message/types.ts'
export {
  checkNotFuture,
  decodeMessage,
  hasValidSignature,
  type ValidateOptions,
  type ValidationResult,
  validateMessage,
} from './message/validate.ts'
export { formatNetworkId, networkIdFromGenesis, parseNetworkId } from './network.ts'
export {
  isWeakPublicKey,
  layeredVerifier,
  type Verifier,
  verifySignature,
} from './signature.ts'
export {
  authorizeSigner,
  SCOPE_OF_TYPE,
  type SignerEntry,
  type SignerSet,
  signerSetOf,
} from './signers.ts'
export {
  conflictKey,
  isRemove,
  MERGE_RULES,
  type MergeRule,
  messageWins,
  winnerOf,
} from './state/rules.ts'
export { postView, reduceMessages, SocialState } from './state/social-state.ts'
export type { PostView, SignerView, SocialView } from './state/view.ts'
export {
  compareItems,
  compareToBound,
  type SyncBound,
  type SyncItem,
} from './sync/bound.ts'
export { IdSum } from './sync/id-sum.ts'
export {
  PROTOCOL_VERSION as NEGENTROPY_VERSION,
  type ReconcileResult,
  Reconciler,
  type ReconcilerOptions,
} from './sync/reconciler.ts'
export type { SyncStorage } from './sync/storage.ts'
export { encodeVarint, SyncReader } from './sync/varint.ts'
export { SyncVector } from './sync/vector.ts'
