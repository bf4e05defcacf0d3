import { type ValidationCode, ValidationError } from '../errors.ts'

/** Helpers for checking decoded CBOR values; each throws ValidationError with `code`. */

export type Obj = Record<string, unknown>

export function isPlainObject(value: unknown): value is Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  if (value instanceof Uint8Array) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** `value` is a map whose keys are all in `required` or `optional`, with every required key. */
export function expectFields(
  value: unknown,
  required: readonly string[],
  optional: readonly string[],
  code: ValidationCode,
  what: string,
): Obj {
  if (!isPlainObject(value)) throw new ValidationError(code, `${what} must be a map`)
  for (const key of required) {
    if (!Object.hasOwn(value, key)) throw new ValidationError(code, `${what} is missing "${key}"`)
  }
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) {
      throw new ValidationError(code, `${what} has an unknown field "${key}"`)
    }
  }
  return value
}

export function expectBytes(
  value: unknown,
  length: number,
  code: ValidationCode,
  what: string,
): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new ValidationError(code, `${what} must be ${length} bytes`)
  }
  return value
}

export function expectString(value: unknown, code: ValidationCode, what: string): string {
  if (typeof value !== 'string') throw new ValidationError(code, `${what} must be a text string`)
  return value
}

export function expectInteger(
  value: unknown,
  min: number,
  max: number,
  code: ValidationCode,
  what: string,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(code, `${what} must be an integer in [${min}, ${max}]`)
  }
  return value
}

/** A non-empty array of at most `max` items (empty arrays are not canonical: omit the field). */
export function expectArray(
  value: unknown,
  max: number,
  code: ValidationCode,
  what: string,
): unknown[] {
  if (!Array.isArray(value)) throw new ValidationError(code, `${what} must be an array`)
  if (value.length === 0) {
    throw new ValidationError(code, `${what} must not be empty (omit the field instead)`)
  }
  if (value.length > max) throw new ValidationError(code, `${what} has more than ${max} items`)
  return value
}
