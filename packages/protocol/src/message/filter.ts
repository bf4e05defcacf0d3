import { equalBytes } from '../bytes.ts'
import type { Message } from './types.ts'

/** Which messages a subscription wants (PROTOCOL.md §13.5); absent fields match everything. */
export interface MessageFilter {
  authors?: Uint8Array[]
  types?: string[]
  /** Replies to this post. */
  parent?: Uint8Array
}

/** Whether a message passes a subscription filter: the node applies it, the client checks it. */
export function matchesFilter(filter: MessageFilter, m: Message): boolean {
  return (
    (!filter.authors || filter.authors.some((a) => equalBytes(a, m.data.author))) &&
    (!filter.types || filter.types.includes(m.data.type)) &&
    (!filter.parent ||
      (m.data.type === 'post.add' &&
        !!m.data.body.parent &&
        equalBytes(m.data.body.parent, filter.parent)))
  )
}
