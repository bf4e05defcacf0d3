import { sha256 } from '@noble/hashes/sha2.js'
import { compareBytes, toHex, utf8 } from '../bytes.ts'
import { encodeCanonical } from '../encoding.ts'
import { LedgerError } from '../errors.ts'
import type { Signer } from '../keys.ts'
import { ID_BYTES, MAX_CERTIFICATE_BYTES, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from '../limits.ts'
import { type Verifier, verifySignature } from '../signature.ts'
import type { LedgerParams } from './committee.ts'
import { parseTransferOrder, verifyTransferOrder } from './order.ts'
import type { Certificate, TransferOrder, Vote } from './types.ts'
import { bytesOf, decodeLedger, fields } from './wire.ts'

/** Domain tag of what a validator signs for a vote. */
export const VOTE_TAG = utf8('freebird/vote/v1')

/** The 32 bytes a vote signs: SHA-256(VOTE_TAG || order id). */
export const voteDigest = (orderId: Uint8Array): Uint8Array =>
  sha256.create().update(VOTE_TAG).update(orderId).digest()

export function signVote(orderId: Uint8Array, validator: Signer): Vote {
  return {
    order: Uint8Array.from(orderId),
    validator: Uint8Array.from(validator.publicKey),
    signature: validator.sign(voteDigest(orderId)),
  }
}

/** CBOR { order, signature, validator }: a vote as a validator answers it. */
export const encodeVote = (vote: Vote): Uint8Array =>
  encodeCanonical({ order: vote.order, signature: vote.signature, validator: vote.validator })

export function decodeVote(bytes: Uint8Array): Vote {
  const v = fields(decodeLedger(bytes, 'vote'), ['order', 'signature', 'validator'], [], 'vote')
  return {
    order: bytesOf(v.order, ID_BYTES, 'vote order'),
    validator: bytesOf(v.validator, PUBLIC_KEY_BYTES, 'vote validator'),
    signature: bytesOf(v.signature, SIGNATURE_BYTES, 'vote signature'),
  }
}

/** Throws unless `vote` is a committee member's valid vote for `orderId`. */
export function checkVote(
  vote: Vote,
  orderId: Uint8Array,
  params: LedgerParams,
  verify: Verifier = verifySignature,
): void {
  checkVoteDigest(vote, orderId, voteDigest(orderId), params, verify)
}

function checkVoteDigest(
  vote: Vote,
  orderId: Uint8Array,
  digest: Uint8Array,
  params: LedgerParams,
  verify: Verifier,
): void {
  if (compareBytes(vote.order, orderId) !== 0)
    throw new LedgerError('ledger.vote_signature', 'the vote is for another order')
  if (!params.committee.some((v) => compareBytes(v.key, vote.validator) === 0))
    throw new LedgerError('ledger.unknown_validator', 'the voter is not in the committee')
  if (!verify(vote.validator, digest, vote.signature))
    throw new LedgerError('ledger.vote_signature', 'a vote signature does not verify')
}

const encodeCertificate = (order: TransferOrder, votes: Certificate['votes']) =>
  encodeCanonical({ order: order.bytes, votes: votes.map((v) => [v.validator, v.signature]) })

/**
 * Forms a certificate from votes (duplicates by validator dropped, sorted by
 * key), checking each vote and that their weight reaches the quorum.
 */
export function buildCertificate(
  order: TransferOrder,
  votes: Vote[],
  params: LedgerParams,
  verify: Verifier = verifySignature,
): Certificate {
  const byValidator = new Map<string, Vote>()
  const digest = voteDigest(order.id)
  for (const vote of votes) {
    checkVoteDigest(vote, order.id, digest, params, verify)
    byValidator.set(toHex(vote.validator), vote)
  }
  const chosen = [...byValidator.values()]
    .sort((a, b) => compareBytes(a.validator, b.validator))
    .map((v) => ({ validator: v.validator, signature: v.signature }))
  checkQuorum(chosen, params)
  return { order, votes: chosen, bytes: encodeCertificate(order, chosen) }
}

function checkQuorum(votes: Certificate['votes'], params: LedgerParams): void {
  let weight = 0
  for (const v of votes)
    weight += params.committee.find((m) => compareBytes(m.key, v.validator) === 0)?.weight ?? 0
  if (weight < params.quorum)
    throw new LedgerError(
      'ledger.quorum',
      `votes weigh ${weight}; a certificate needs ${params.quorum} of ${params.totalWeight}`,
    )
}

/**
 * Decodes and fully verifies a certificate: size, encoding, the order (and
 * its signature, network), each vote (a committee member, once, in key order,
 * a valid signature), and the quorum by weight. Anyone can run it.
 */
export function decodeCertificate(
  bytes: Uint8Array,
  params: LedgerParams,
  verify: Verifier = verifySignature,
): Certificate {
  const certificate = parseCertificate(bytes, params)
  verifyCertificate(certificate, params, verify)
  return certificate
}

/**
 * decodeCertificate without the signature checks and the issuer check
 * (verifyCertificate does them): what a node needs to tell a certificate it
 * holds already, cheaply.
 */
export function parseCertificate(bytes: Uint8Array, params: LedgerParams): Certificate {
  if (bytes.length > MAX_CERTIFICATE_BYTES)
    throw new LedgerError(
      'ledger.too_large',
      `certificate is ${bytes.length} bytes; the limit is ${MAX_CERTIFICATE_BYTES}`,
    )
  const v = fields(decodeLedger(bytes, 'certificate'), ['order', 'votes'], [], 'certificate')
  if (!Array.isArray(v.votes)) throw new LedgerError('ledger.encoding', 'votes must be a list')
  if (v.votes.length === 0) throw new LedgerError('ledger.quorum', 'a certificate needs votes')
  const votes = v.votes.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2)
      throw new LedgerError('ledger.encoding', `votes[${i}] must be [validator, signature]`)
    return {
      validator: bytesOf(pair[0], PUBLIC_KEY_BYTES, `votes[${i}] validator`),
      signature: bytesOf(pair[1], SIGNATURE_BYTES, `votes[${i}] signature`),
    }
  })
  for (let i = 1; i < votes.length; i++) {
    const order = compareBytes((votes[i - 1] as Vote).validator, (votes[i] as Vote).validator)
    if (order === 0) throw new LedgerError('ledger.duplicate_validator', 'a validator votes twice')
    if (order > 0) throw new LedgerError('ledger.encoding', 'votes are not sorted by validator')
  }
  // The cheap checks first: membership and weight, then signatures.
  for (const vote of votes)
    if (!params.committee.some((m) => compareBytes(m.key, vote.validator) === 0))
      throw new LedgerError('ledger.unknown_validator', 'a voter is not in the committee')
  checkQuorum(votes, params)
  const order = parseTransferOrder(bytesOf(v.order, undefined, 'order'), params.network)
  return { order, votes, bytes }
}

/**
 * Throws unless the order's signature verifies, a reward comes from the
 * issuer, and every vote's signature verifies (in decodeCertificate's order;
 * the rest parseCertificate checked).
 */
export function verifyCertificate(
  certificate: Certificate,
  params: LedgerParams,
  verify: Verifier = verifySignature,
): void {
  verifyTransferOrder(certificate.order, verify)
  const { data } = certificate.order
  if (data.kind === 'reward' && !isIssuer(data.from, params))
    throw new LedgerError('ledger.not_issuer', 'only the issuer mints rewards')
  const digest = voteDigest(certificate.order.id)
  for (const vote of certificate.votes)
    if (!verify(vote.validator, digest, vote.signature))
      throw new LedgerError('ledger.vote_signature', 'a vote signature does not verify')
}

export const isIssuer = (account: Uint8Array, params: LedgerParams): boolean =>
  !!params.issuer && compareBytes(params.issuer, account) === 0
