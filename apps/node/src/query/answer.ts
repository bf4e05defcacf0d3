import { compareBytes, PROFILE_FIELD_LIMITS } from '@freebird/protocol'
import { followKey, profileKey, signerKey } from '../store/keys.ts'
import type { MessageStore } from '../store/message-store.ts'
import { QueryError } from './errors.ts'
import { asFields, bytesField, type Fields, limitField, MAX_LIMIT, timeField } from './fields.ts'

const NONE = new Uint8Array(0)

/** `beforeId`: with `before`, pages by (timestamp, id), so posts sharing a millisecond are not skipped. */
function cursorId(q: Fields): Uint8Array | undefined {
  if (q.beforeId === undefined) return undefined
  if (q.before === undefined) throw new QueryError('query.invalid', '"beforeId" needs "before"')
  return bytesField(q, 'beforeId', 32)
}

/**
 * Answers one light-client query (PROTOCOL.md §13.4) with envelopes only: the
 * client verifies each and rebuilds the view itself, so every answer carries
 * the messages a view is made of, removals included where they decide it.
 * Shared by the libp2p query protocol and `POST /v1/query`.
 */
export async function answerQuery(store: MessageStore, query: unknown): Promise<Uint8Array[]> {
  const q = asFields(query, 'query')
  switch (q.q) {
    case 'message': {
      const bytes = await store.getMessage(bytesField(q, 'id', 32))
      return bytes ? [bytes] : []
    }
    case 'posts':
      return store.postsBy(
        bytesField(q, 'author', 32),
        limitField(q, 50),
        timeField(q, 'before'),
        cursorId(q),
      )
    case 'thread': {
      const id = bytesField(q, 'id', 32)
      const root = await store.getMessage(id)
      if (!root) return []
      return [root, ...(await store.repliesOf(id, limitField(q, 200)))]
    }
    case 'profile': {
      const author = bytesField(q, 'author', 32)
      const out: Uint8Array[] = []
      for (const field of Object.keys(PROFILE_FIELD_LIMITS)) {
        const bytes = await store.winner(profileKey(author, field))
        if (bytes) out.push(bytes)
      }
      return out
    }
    case 'following':
      // Winning follow.add and follow.remove: a client that sees another node's
      // newer unfollow can tell a stale answer from a withheld one.
      return store.winnersUnder(
        followKey(bytesField(q, 'author', 32), NONE),
        limitField(q, MAX_LIMIT),
      )
    case 'followers': {
      const target = bytesField(q, 'account', 32)
      const out: Uint8Array[] = []
      for (const author of await store.followersOf(target, limitField(q, MAX_LIMIT))) {
        const bytes = await store.winner(followKey(author, target))
        if (bytes) out.push(bytes)
      }
      return out
    }
    case 'signers':
      return store.winnersUnder(signerKey(bytesField(q, 'author', 32), NONE), MAX_LIMIT)
    case 'removal':
      return store.removalsOf(bytesField(q, 'author', 32), bytesField(q, 'id', 32))
    case 'feed': {
      const account = bytesField(q, 'account', 32)
      const limit = limitField(q, 50)
      const before = timeField(q, 'before')
      const beforeId = cursorId(q)
      const lists = await Promise.all(
        (await store.followingOf(account, MAX_LIMIT)).map((a) =>
          store.postsBy(a, limit, before, beforeId),
        ),
      )
      // Newest first by (timestamp, id): the order a (before, beforeId) cursor pages through.
      return lists
        .flat()
        .map((bytes) => ({ bytes, m: store.decode(bytes) }))
        .sort((a, b) => b.m.data.timestamp - a.m.data.timestamp || compareBytes(b.m.id, a.m.id))
        .slice(0, limit)
        .map((x) => x.bytes)
    }
    default:
      throw new QueryError('query.unknown', `unknown query "${String(q.q)}"`)
  }
}
