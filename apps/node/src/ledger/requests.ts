import { decodeCanonical, FreebirdError, ID_BYTES, PUBLIC_KEY_BYTES } from '@freebird/protocol'
import { u64 } from '../store/keys.ts'
import type { Ledger } from './ledger.ts'

/** A request that names no known operation, or whose fields are of the wrong type. */
class LedgerRequestError extends FreebirdError<'ledger.bad_request'> {
  override name = 'LedgerRequestError'
}

const bytesField = (value: unknown, length: number | undefined, what: string): Uint8Array => {
  if (!(value instanceof Uint8Array) || (length !== undefined && value.length !== length))
    throw new LedgerRequestError('ledger.bad_request', `${what} must be ${length ?? 'some'} bytes`)
  return value
}

const listOptions = (r: Record<string, unknown>, fallback: number, max: number) => {
  const limit = r.limit === undefined ? fallback : r.limit
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > max)
    throw new LedgerRequestError('ledger.bad_request', `limit must be 1 to ${max}`)
  if (r.before !== undefined && (typeof r.before !== 'number' || !Number.isSafeInteger(r.before)))
    throw new LedgerRequestError('ledger.bad_request', 'before must be a timestamp in ms')
  return { limit, ...(r.before !== undefined ? { before: u64(r.before as number) } : {}) }
}

export interface LedgerRequestDeps {
  ledger: Ledger
  genesis: Uint8Array
}

/**
 * Answers one ledger request (PROTOCOL.md §14.13): a CBOR map naming one
 * operation — order (a vote), certificate (apply), balance, transfers, tips,
 * genesis. Refusals are `{ error: { code, message } }`; never throws for bad input.
 */
export async function answerLedgerRequest(
  deps: LedgerRequestDeps,
  frame: Uint8Array | unknown,
  source: 'libp2p' | 'http',
): Promise<unknown> {
  try {
    const request = frame instanceof Uint8Array ? decodeCanonical(frame, 'request') : frame
    return await answer(deps, request, source)
  } catch (error) {
    if (!(error instanceof FreebirdError)) throw error
    return { error: { code: error.code, message: error.message } }
  }
}

async function answer(
  deps: LedgerRequestDeps,
  request: unknown,
  source: 'libp2p' | 'http',
): Promise<unknown> {
  const { ledger } = deps
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    throw new LedgerRequestError('ledger.bad_request', 'a request is a map')
  const r = request as Record<string, unknown>
  if ('order' in r) return { vote: await ledger.vote(bytesField(r.order, undefined, 'order')) }
  if ('certificate' in r) {
    const result = await ledger.submit(bytesField(r.certificate, undefined, 'certificate'), source)
    if (result.status === 'stored' || result.status === 'duplicate')
      return { status: result.status, id: result.id }
    return { error: { code: result.code, message: result.message } }
  }
  if ('balance' in r) {
    const b = ledger.balance(bytesField(r.balance, PUBLIC_KEY_BYTES, 'balance'))
    // Text: CBOR here has no negative integers, and a balance may be below zero for a moment.
    return {
      balance: b.balance.toString(),
      nextSeq: b.nextSeq,
      ...(b.attestation ? { attestation: b.attestation.bytes } : {}),
    }
  }
  if ('transfers' in r) {
    const account = bytesField(r.transfers, PUBLIC_KEY_BYTES, 'transfers')
    return { certificates: await ledger.transfers(account, listOptions(r, 50, 500)) }
  }
  if ('tips' in r) {
    const post = bytesField(r.tips, ID_BYTES, 'tips')
    return {
      total: ledger.state.tipsOf(post).toString(),
      certificates: await ledger.tipsTo(post, listOptions(r, 100, 1000)),
    }
  }
  if ('genesis' in r) return { genesis: deps.genesis }
  throw new LedgerRequestError('ledger.bad_request', 'unknown ledger request')
}
