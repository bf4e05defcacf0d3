/**
 * Errors with stable dotted codes. Codes are part of the protocol: they travel
 * over the network (HTTP and libp2p error replies) and tests assert them, so a
 * code is never renamed; messages are for people and may change.
 */

/** What a gossiping node does with a message that failed with a code. */
export type GossipAction = 'reject' | 'ignore'

/**
 * Every validation code, with what gossip does about it. `reject` means the
 * message is invalid forever (the sender is penalized); `ignore` means it is
 * not valid yet or not useful now, and may be accepted later (e.g. via sync).
 */
export const VALIDATION_CODES = {
  too_large: 'reject',
  'invalid.encoding': 'reject',
  'invalid.envelope': 'reject',
  'invalid.data': 'reject',
  'invalid.version': 'reject',
  'invalid.network': 'reject',
  'invalid.type': 'reject',
  'invalid.timestamp': 'reject',
  'invalid.timestamp_future': 'ignore',
  'invalid.body': 'reject',
  'invalid.text_length': 'reject',
  'invalid.empty_post': 'reject',
  'invalid.mentions': 'reject',
  'invalid.embeds': 'reject',
  'invalid.profile_field': 'reject',
  'invalid.profile_value': 'reject',
  'invalid.reaction_kind': 'reject',
  'invalid.signer_key': 'reject',
  'invalid.signer_scope': 'reject',
  'invalid.signer_expiry': 'reject',
  'invalid.signature': 'reject',
  'unauthorized.signer': 'reject',
} as const satisfies Record<string, GossipAction>

export type ValidationCode = keyof typeof VALIDATION_CODES

/**
 * Codes of the delegated-signer rule, which depends on the author's signer
 * set. Only a removal is final (remove-wins); a signer.add not seen yet, or a
 * later one with a longer expiry or wider scope, can still authorize the others.
 */
export const AUTHORIZATION_CODES = {
  'unauthorized.unknown_signer': 'ignore',
  'unauthorized.signer_removed': 'reject',
  'unauthorized.signer_expired': 'ignore',
  'unauthorized.signer_scope': 'ignore',
} as const satisfies Record<string, GossipAction>

export type AuthorizationCode = keyof typeof AUTHORIZATION_CODES

/** Codes for text forms (accounts, secret keys, ids, network ids). */
export const PARSE_CODES = [
  'invalid.account_format',
  'invalid.account_prefix',
  'invalid.account_character',
  'invalid.account_case',
  'invalid.account_checksum',
  'invalid.account_length',
  'invalid.secret_key',
  'invalid.hex',
] as const

export type ParseCode = (typeof PARSE_CODES)[number]

/** Codes of set reconciliation (Negentropy V1 messages from a peer). */
export const SYNC_CODES = [
  /** Truncated message, or a varint longer than any valid value. */
  'sync.malformed',
  /** A protocol version this implementation does not speak. */
  'sync.version',
  /** A bound whose id prefix is longer than 32 bytes. */
  'sync.bound',
  /** A range mode other than Skip, Fingerprint or IdList. */
  'sync.mode',
] as const

export type SyncCode = (typeof SYNC_CODES)[number]

/**
 * Codes of the token ledger. `reject`: the order or certificate is invalid
 * forever (a gossiping sender is penalized). `ignore`: refused now, by this
 * validator's state (a vote), or not applicable here yet.
 */
export const LEDGER_CODES = {
  'ledger.too_large': 'reject',
  'ledger.encoding': 'reject',
  'ledger.version': 'reject',
  'ledger.network': 'reject',
  'ledger.amount': 'reject',
  'ledger.kind': 'reject',
  'ledger.ref': 'reject',
  'ledger.memo': 'reject',
  'ledger.timestamp': 'reject',
  'ledger.self_transfer': 'reject',
  'ledger.signature': 'reject',
  'ledger.not_issuer': 'reject',
  'ledger.vote_signature': 'reject',
  'ledger.unknown_validator': 'reject',
  'ledger.duplicate_validator': 'reject',
  'ledger.quorum': 'reject',
  /** A second certificate at one (from, seq): only possible with more than f faulty validators. */
  'ledger.conflicting_certificate': 'ignore',
  'ledger.wrong_seq': 'ignore',
  'ledger.insufficient_balance': 'ignore',
  'ledger.unknown_account': 'ignore',
  'ledger.conflicting_order': 'ignore',
  'ledger.supply_cap': 'ignore',
  'ledger.not_validator': 'ignore',
  'ledger.no_ledger': 'ignore',
} as const satisfies Record<string, GossipAction>

export type LedgerCode = keyof typeof LEDGER_CODES

export type ErrorCode = ValidationCode | AuthorizationCode | ParseCode | SyncCode | LedgerCode

/** Base class of every error this package raises on purpose. */
export class FreebirdError<C extends string = ErrorCode> extends Error {
  override name = 'FreebirdError'
  readonly code: C
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** A message (or builder input) broke a protocol rule. */
export class ValidationError extends FreebirdError<ValidationCode> {
  override name = 'ValidationError'
  /** What gossip does about it: reject (invalid forever) or ignore (maybe later). */
  get action(): GossipAction {
    return VALIDATION_CODES[this.code]
  }
}

/** A message signed by a delegated key that the author's signer set does not authorize. */
export class AuthorizationError extends FreebirdError<AuthorizationCode> {
  override name = 'AuthorizationError'
  /** What gossip does about it: reject (final) or ignore (may become valid). */
  get action(): GossipAction {
    return AUTHORIZATION_CODES[this.code]
  }
}

/** A text form (account, secret key, hex) could not be parsed. */
export class ParseError extends FreebirdError<ParseCode> {
  override name = 'ParseError'
}

/** A reconciliation message from a peer could not be processed. */
export class SyncError extends FreebirdError<SyncCode> {
  override name = 'SyncError'
}

/** A transfer order, vote, certificate or attestation broke a ledger rule, or a validator refused it. */
export class LedgerError extends FreebirdError<LedgerCode> {
  override name = 'LedgerError'
  get action(): GossipAction {
    return LEDGER_CODES[this.code]
  }
}

/** The gossip action for a validation or authorization code. */
export function gossipAction(code: ValidationCode | AuthorizationCode): GossipAction {
  return code in VALIDATION_CODES
    ? VALIDATION_CODES[code as ValidationCode]
    : AUTHORIZATION_CODES[code as AuthorizationCode]
}
