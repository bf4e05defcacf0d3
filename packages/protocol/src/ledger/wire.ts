import { decodeCanonical } from '../encoding.ts'
import { FreebirdError, type LedgerCode, LedgerError } from '../errors.ts'
import { isPlainObject } from '../message/shape.ts'

/** Decodes canonical CBOR, any failure as `ledger.encoding`. */
export function decodeLedger(bytes: Uint8Array, what: string): unknown {
  try {
    return decodeCanonical(bytes, what)
  } catch (error) {
    const message = error instanceof FreebirdError ? error.message : String(error)
    throw new LedgerError('ledger.encoding', message)
  }
}

/** A map with exactly the required keys and some of the optional ones. */
export function fields(
  value: unknown,
  required: readonly string[],
  optional: readonly string[],
  what: string,
): Record<string, unknown> {
  if (!isPlainObject(value)) throw new LedgerError('ledger.encoding', `${what} must be a map`)
  for (const key of required)
    if (!Object.hasOwn(value, key))
      throw new LedgerError('ledger.encoding', `${what} is missing "${key}"`)
  for (const key of Object.keys(value))
    if (!required.includes(key) && !optional.includes(key))
      throw new LedgerError('ledger.encoding', `${what} has an unknown field "${key}"`)
  return value
}

export function bytesOf(
  value: unknown,
  length: number | undefined,
  what: string,
  code: LedgerCode = 'ledger.encoding',
): Uint8Array {
  if (!(value instanceof Uint8Array) || (length !== undefined && value.length !== length))
    throw new LedgerError(code, `${what} must be ${length ?? 'a byte string of any'} bytes`)
  return value
}

/** An unsigned integer as decoded (a number, or a bigint past 2^53). */
export function uintOf(value: unknown, what: string, code: LedgerCode = 'ledger.encoding'): bigint {
  if (typeof value === 'bigint' && value >= 0n) return value
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  throw new LedgerError(code, `${what} must be an unsigned integer`)
}

/** An unsigned integer that fits a JS number exactly. */
export function safeUintOf(value: unknown, what: string, code: LedgerCode): number {
  const n = uintOf(value, what, code)
  if (n > BigInt(Number.MAX_SAFE_INTEGER))
    throw new LedgerError(code, `${what} must be at most 2^53 - 1`)
  return Number(n)
}

/** Integers go on the wire as numbers when they fit, so the encoding is one for each value. */
export const wireUint = (n: bigint): number | bigint =>
  n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n
