/**
 * @freebird/protocol/ledger: the token ledger's pure core. Transfer orders,
 * validator votes, quorum certificates and balance attestations, their
 * encodings and checks, and LedgerState, the rules that apply certificates.
 * Specified byte for byte in docs/PROTOCOL.md.
 */

export {
  attestedBalance,
  BALANCE_TAG,
  decodeBalanceAttestation,
  signBalance,
} from './attestation.ts'
export {
  buildCertificate,
  checkVote,
  decodeCertificate,
  decodeVote,
  encodeVote,
  isIssuer,
  parseCertificate,
  signVote,
  VOTE_TAG,
  verifyCertificate,
  voteDigest,
} from './certificate.ts'
export { decodeCertificateBatch, encodeCertificateBatch } from './certificate-batch.ts'
export {
  type LedgerGenesis,
  type LedgerParams,
  ledgerGenesisFields,
  ledgerParams,
  quorumOf,
  type Validator,
} from './committee.ts'
export { type TransferJson, transferFromJson, transferToJson } from './json.ts'
export { type AccountState, type ApplyResult, LedgerState } from './ledger-state.ts'
export {
  buildTransferOrder,
  checkOrderData,
  computeOrderId,
  decodeOrderData,
  decodeTransferOrder,
  encodeOrderData,
  ORDER_ID_TAG,
  parseTransferOrder,
  type TransferOrderInput,
  verifyTransferOrder,
} from './order.ts'
export type {
  BalanceAttestation,
  BalanceStatement,
  Certificate,
  TransferKind,
  TransferOrder,
  TransferOrderData,
  Vote,
} from './types.ts'
