import { FreebirdError, fromHex, ID_BYTES, parseAccount } from '@freebird/protocol'
import { HttpError } from './errors.ts'

/** Parses a path parameter, turning the protocol's parse errors into 400s with their codes. */
function parse<T>(fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    if (error instanceof FreebirdError) throw new HttpError(400, error.code, error.message)
    throw error
  }
}

export const accountParam = (text: string) => parse(() => parseAccount(text))
export const idParam = (text: string) => parse(() => fromHex(text, ID_BYTES))

/** ?limit= as an integer in [1, max], default `fallback`. */
export function limitParam(value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new HttpError(400, 'http.invalid_query', `limit must be an integer from 1 to ${max}`)
  }
  return n
}

/** ?before= as a timestamp (ms). */
export function beforeParam(value: unknown): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new HttpError(400, 'http.invalid_query', 'before must be a timestamp in ms')
  }
  return n
}
