import { sha256 } from '@noble/hashes/sha2.js'
import { compareBytes, toHex, utf8 } from '../bytes.ts'
import { encodeCanonical } from '../encoding.ts'
import { LedgerError } from '../errors.ts'
import type { Signer } from '../keys.ts'
import {
  MAX_TRANSFER_AMOUNT,
  NETWORK_ID_BYTES,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
} from '../limits.ts'
import { type Verifier, verifySignature } from '../signature.ts'
import type { LedgerParams } from './committee.ts'
import type { BalanceAttestation, BalanceStatement } from './types.ts'
import { bytesOf, decodeLedger, fields, safeUintOf, uintOf, wireUint } from './wire.ts'

/** Domain tag of what a validator signs for a balance attestation. */
export const BALANCE_TAG = utf8('freebird/balance/v1')

const encodeStatement = (s: BalanceStatement) =>
  encodeCanonical({
    network: s.network,
    account: s.account,
    balance: wireUint(s.balance),
    nextSeq: s.nextSeq,
  })

const digestOf = (statement: Uint8Array) =>
  sha256.create().update(BALANCE_TAG).update(statement).digest()

/** A validator's signed statement of an account's balance and next seq in its state. */
export function signBalance(statement: BalanceStatement, validator: Signer): BalanceAttestation {
  // A balance is transiently negative on a node that lacks a credit, and may
  // pass 2^64 - 1 (allocations are unbounded): neither is a CBOR unsigned
  // integer, so such a statement would not decode anywhere.
  if (statement.balance < 0n || statement.balance > MAX_TRANSFER_AMOUNT)
    throw new LedgerError('ledger.amount', 'only a balance of 0 to 2^64 - 1 can be attested')
  const data = encodeStatement(statement)
  const signature = validator.sign(digestOf(data))
  const key = Uint8Array.from(validator.publicKey)
  return {
    ...statement,
    validator: key,
    signature,
    bytes: encodeCanonical({ data, signature, validator: key }),
  }
}

/** Decodes an attestation and checks its signature, its network and that the signer is a validator. */
export function decodeBalanceAttestation(
  bytes: Uint8Array,
  params: LedgerParams,
  verify: Verifier = verifySignature,
): BalanceAttestation {
  const v = fields(
    decodeLedger(bytes, 'attestation'),
    ['data', 'signature', 'validator'],
    [],
    'attestation',
  )
  const data = bytesOf(v.data, undefined, 'data')
  const validator = bytesOf(v.validator, PUBLIC_KEY_BYTES, 'validator')
  const signature = bytesOf(v.signature, SIGNATURE_BYTES, 'signature')
  const s = fields(
    decodeLedger(data, 'statement'),
    ['account', 'balance', 'network', 'nextSeq'],
    [],
    'statement',
  )
  const statement: BalanceStatement = {
    network: bytesOf(s.network, NETWORK_ID_BYTES, 'network'),
    account: bytesOf(s.account, PUBLIC_KEY_BYTES, 'account'),
    balance: uintOf(s.balance, 'balance'),
    nextSeq: safeUintOf(s.nextSeq, 'nextSeq', 'ledger.encoding'),
  }
  if (compareBytes(statement.network, params.network) !== 0)
    throw new LedgerError('ledger.network', 'the attestation is for another network')
  if (!params.committee.some((m) => compareBytes(m.key, validator) === 0))
    throw new LedgerError('ledger.unknown_validator', 'the attester is not in the committee')
  if (!verify(validator, digestOf(data), signature))
    throw new LedgerError('ledger.vote_signature', 'the attestation signature does not verify')
  return { ...statement, validator, signature, bytes }
}

/**
 * The statement that attestations from a quorum (by weight) of distinct
 * validators agree on, if any. Attestations must be checked already.
 */
export function attestedBalance(
  attestations: BalanceAttestation[],
  params: LedgerParams,
): BalanceStatement | undefined {
  const groups = new Map<
    string,
    { statement: BalanceStatement; weight: number; seen: Set<string> }
  >()
  for (const a of attestations) {
    const key = `${toHex(a.account)}/${a.balance}/${a.nextSeq}`
    const group = groups.get(key) ?? { statement: a, weight: 0, seen: new Set<string>() }
    groups.set(key, group)
    const who = toHex(a.validator)
    if (group.seen.has(who)) continue
    group.seen.add(who)
    group.weight +=
      params.committee.find((m) => compareBytes(m.key, a.validator) === 0)?.weight ?? 0
  }
  for (const g of groups.values()) {
    if (g.weight >= params.quorum) {
      const { network, account, balance, nextSeq } = g.statement
      return { network, account, balance, nextSeq }
    }
  }
  return undefined
}
