import { equalBytes, toHex } from './bytes.ts'
import { AuthorizationError } from './errors.ts'
import type { Message, MessageType, SignerScope } from './message/types.ts'
import { messageWins } from './state/rules.ts'

/** The winning state of one delegated key of an author. */
export type SignerEntry =
  | {
      status: 'active'
      key: Uint8Array
      expiresAt: number
      scope: readonly SignerScope[]
      message: Message<'signer.add'>
    }
  | { status: 'removed'; key: Uint8Array; message: Message<'signer.remove'> }

/** An author's delegated keys, by hex key. */
export type SignerSet = ReadonlyMap<string, SignerEntry>

/** Which scope each message type needs from a delegated key. */
export const SCOPE_OF_TYPE: Record<MessageType, SignerScope | null> = {
  'profile.set': 'social',
  'post.add': 'social',
  'post.remove': 'social',
  'reaction.add': 'social',
  'reaction.remove': 'social',
  'follow.add': 'social',
  'follow.remove': 'social',
  // Only the root key manages signers (no scope grants it).
  'signer.add': null,
  'signer.remove': null,
}

/**
 * Folds signer.add / signer.remove messages of one author into its signer set.
 * Remove-wins per key (a removed key never comes back); among adds of the same
 * key the latest (timestamp, then id) wins. Order-independent.
 */
export function signerSetOf(messages: Iterable<Message>): Map<string, SignerEntry> {
  const set = new Map<string, SignerEntry>()
  for (const m of messages) {
    if (m.data.type !== 'signer.add' && m.data.type !== 'signer.remove') continue
    const key = toHex(m.data.body.key)
    const next = entryOf(m as Message<'signer.add' | 'signer.remove'>)
    const current = set.get(key)
    if (!current || messageWins(next.message, current.message)) set.set(key, next)
  }
  return set
}

function entryOf(m: Message<'signer.add' | 'signer.remove'>): SignerEntry {
  if (m.data.type === 'signer.remove') {
    return { status: 'removed', key: m.data.body.key, message: m as Message<'signer.remove'> }
  }
  const body = m.data.body as Message<'signer.add'>['data']['body']
  return {
    status: 'active',
    key: body.key,
    expiresAt: body.expiresAt,
    scope: body.scope,
    message: m as Message<'signer.add'>,
  }
}

/**
 * The delegated-signer rule, a pure function of the author's signer set: a
 * message signed by the author's root key is always authorized; one signed by
 * another key is authorized iff that key's entry is active (added, never
 * removed), the message's timestamp is before its expiry, and its scope covers
 * the message type. Revocation is total: timestamps are chosen by the signer,
 * so a stolen key could backdate, and every message the key signed goes.
 * Returns null when authorized, else the error.
 */
export function authorizeSigner(message: Message, signers: SignerSet): AuthorizationError | null {
  if (equalBytes(message.signer, message.data.author)) return null
  const hex = toHex(message.signer)
  const entry = signers.get(hex)
  if (!entry) {
    return new AuthorizationError(
      'unauthorized.unknown_signer',
      `key ${hex} is not a signer of this account`,
    )
  }
  if (entry.status === 'removed') {
    return new AuthorizationError('unauthorized.signer_removed', `key ${hex} was removed`)
  }
  if (message.data.timestamp >= entry.expiresAt) {
    return new AuthorizationError(
      'unauthorized.signer_expired',
      `key ${hex} expired at ${entry.expiresAt}`,
    )
  }
  const needed = SCOPE_OF_TYPE[message.data.type]
  if (needed === null || !entry.scope.includes(needed)) {
    return new AuthorizationError(
      'unauthorized.signer_scope',
      `key ${hex} may not sign ${message.data.type}`,
    )
  }
  return null
}
