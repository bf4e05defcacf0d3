import { QueryError } from './errors.ts'

/** A decoded query or filter: a CBOR map whose fields are checked one by one. */
export type Fields = Record<string, unknown>

export const MAX_LIMIT = 500

export function asFields(value: unknown, what: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new QueryError('query.invalid', `a ${what} is a map`)
  }
  return value as Fields
}

export function bytesField(q: Fields, key: string, length: number): Uint8Array {
  const v = q[key]
  if (!(v instanceof Uint8Array) || v.length !== length) {
    throw new QueryError('query.invalid', `"${key}" must be ${length} bytes`)
  }
  return v
}

export function limitField(q: Fields, fallback: number): number {
  const v = q.limit ?? fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_LIMIT) {
    throw new QueryError('query.invalid', `"limit" must be an integer from 1 to ${MAX_LIMIT}`)
  }
  return v
}

/** An optional timestamp field (ms). */
export function timeField(q: Fields, key: string): number | undefined {
  const v = q[key]
  if (v === undefined) return undefined
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new QueryError('query.invalid', `"${key}" must be a timestamp in ms`)
  }
  return v
}
