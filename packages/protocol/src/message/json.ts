import { base64 } from '@scure/base'
import { formatAccount } from '../account.ts'
import { toHex } from '../bytes.ts'
import type { Message } from './types.ts'

/**
 * A message as JSON for APIs and logs: the decoded fields for reading, and
 * the exact envelope bytes (base64) for verifying. Accounts are in text form,
 * ids in hex. The bytes are the truth; the rest is a convenience.
 */
export interface MessageJson {
  id: string
  type: Message['data']['type']
  author: string
  signer: string
  timestamp: number
  body: Record<string, unknown>
  /** The envelope, base64 (RFC 4648, with padding). */
  bytes: string
}

const ACCOUNT_FIELDS = new Set([
  'follow.add/target',
  'follow.remove/target',
  'signer.add/key',
  'signer.remove/key',
])

export function messageToJson(message: Message): MessageJson {
  const d = message.data
  const body: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(d.body)) {
    body[key] = convert(value, ACCOUNT_FIELDS.has(`${d.type}/${key}`) || key === 'mentions')
  }
  return {
    id: toHex(message.id),
    type: d.type,
    author: formatAccount(d.author),
    signer: formatAccount(message.signer),
    timestamp: d.timestamp,
    body,
    bytes: base64.encode(message.bytes),
  }
}

function convert(value: unknown, account: boolean): unknown {
  if (value instanceof Uint8Array) return account ? formatAccount(value) : toHex(value)
  if (Array.isArray(value)) return value.map((v) => convert(v, account))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = convert(v, false)
    return out
  }
  return value
}

/** The envelope bytes of a MessageJson (verify them with validateMessage). */
export function messageBytesFromJson(json: Pick<MessageJson, 'bytes'>): Uint8Array {
  return base64.decode(json.bytes)
}
