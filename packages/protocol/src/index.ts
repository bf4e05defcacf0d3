/**
 * @freebird/protocol: the pure core of Freebird. Keys and accounts, signed
 * messages in deterministic CBOR, validation with stable error codes, the
 * delegated-signer rule, the convergent social state and the token ledger
 * (orders, votes, certificates, attestations, and the rules that apply them). No I/O; runs
 * unchanged in browsers. The wire format is specified in docs/PROTOCOL.md.
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
export {
  attestedBalance,
  BALANCE_TAG,
  decodeBalanceAttestation,
  signBalance,
} from './ledger/attestation.ts'
export {
  buildCertificate,
  checkVote,
  decodeCertificate,
  decodeVote,
  encodeVote,
  isIssuer,
  signVote,
  VOTE_TAG,
  voteDigest,
} from './ledger/certificate.ts'
export {
  type LedgerGenesis,
  type LedgerParams,
  ledgerGenesisFields,
  ledgerParams,
  quorumOf,
  type Validator,
} from './ledger/committee.ts'
export { type TransferJson, transferFromJson, transferToJson } from './ledger/json.ts'
export { type AccountState, type ApplyResult, LedgerState } from './ledger/ledger-state.ts'
export {
  buildTransferOrder,
  checkOrderData,
  computeOrderId,
  decodeOrderData,
  decodeTransferOrder,
  encodeOrderData,
  ORDER_ID_TAG,
  type TransferOrderInput,
} from './ledger/order.ts'
export type {
  BalanceAttestation,
  BalanceStatement,
  Certificate,
  TransferKind,
  TransferOrder,
  TransferOrderData,
  Vote,
} from './ledger/types.ts'
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
