import { compareBytes, toHex } from '../bytes.ts'
import type { Message, MessageType } from '../message/types.ts'

/**
 * How messages with the same conflict key resolve. All three are total orders
 * on (kind, timestamp, id), so the winner does not depend on arrival order.
 * - lww: latest (timestamp, id) wins.
 * - lww-remove-on-tie: latest timestamp wins; on equal timestamps a remove beats an add; then id.
 * - remove-wins: any remove beats any add; among the same kind, latest (timestamp, id).
 */
export type MergeRule = 'lww' | 'lww-remove-on-tie' | 'remove-wins'

export const MERGE_RULES: Record<MessageType, MergeRule> = {
  'profile.set': 'lww',
  'post.add': 'remove-wins',
  'post.remove': 'remove-wins',
  'reaction.add': 'lww-remove-on-tie',
  'reaction.remove': 'lww-remove-on-tie',
  'follow.add': 'lww-remove-on-tie',
  'follow.remove': 'lww-remove-on-tie',
  'signer.add': 'remove-wins',
  'signer.remove': 'remove-wins',
}

/** True for the removing half of a pair (post.remove, reaction.remove, ...). */
export function isRemove(message: Message): boolean {
  return message.data.type.endsWith('.remove')
}

/**
 * The conflict key: messages with equal keys compete and one wins. A post and
 * its removal share (author, post id), so only the post's own author can
 * remove it.
 */
export function conflictKey(message: Message): string {
  const d = message.data
  const author = toHex(d.author)
  switch (d.type) {
    case 'profile.set':
      return `profile:${author}:${d.body.field}`
    case 'post.add':
      return `post:${author}:${toHex(message.id)}`
    case 'post.remove':
      return `post:${author}:${toHex(d.body.target)}`
    case 'reaction.add':
    case 'reaction.remove':
      return `reaction:${author}:${d.body.kind}:${toHex(d.body.target)}`
    case 'follow.add':
    case 'follow.remove':
      return `follow:${author}:${toHex(d.body.target)}`
    case 'signer.add':
    case 'signer.remove':
      return `signer:${author}:${toHex(d.body.key)}`
  }
}

/** True when `a` beats `b`; both must have the same conflict key. */
export function messageWins(a: Message, b: Message): boolean {
  const rule = MERGE_RULES[a.data.type]
  const aRemove = isRemove(a)
  const bRemove = isRemove(b)
  if (rule === 'remove-wins' && aRemove !== bRemove) return aRemove
  const dt = a.data.timestamp - b.data.timestamp
  if (dt !== 0) return dt > 0
  if (rule === 'lww-remove-on-tie' && aRemove !== bRemove) return aRemove
  return compareBytes(a.id, b.id) > 0
}

/** The winner among messages with one conflict key (undefined for none). */
export function winnerOf(messages: Iterable<Message>): Message | undefined {
  let best: Message | undefined
  for (const m of messages) if (!best || messageWins(m, best)) best = m
  return best
}
