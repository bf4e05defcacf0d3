import { fromHex, toHex } from '../src/index.ts'

/**
 * Vectors are JSON; byte strings inside them are written {"$hex": "..."} so a
 * text field can never be mistaken for bytes.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export function toJson(value: unknown): Json {
  if (value instanceof Uint8Array) return { $hex: toHex(value) }
  if (Array.isArray(value)) return value.map(toJson)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v)
    return out
  }
  return value as Json
}

export function fromJson(value: Json): unknown {
  if (Array.isArray(value)) return value.map(fromJson)
  if (value !== null && typeof value === 'object') {
    if (typeof value.$hex === 'string' && Object.keys(value).length === 1)
      return fromHex(value.$hex)
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = fromJson(v)
    return out
  }
  return value
}
