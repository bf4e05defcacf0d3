import { formatAccount } from '../account.ts'
import { compareBytes, toHex } from '../bytes.ts'
import type { Message } from '../message/types.ts'
import { authorizeSigner, type SignerSet, signerSetOf } from '../signers.ts'
import { conflictKey, winnerOf } from './rules.ts'
import { type PostView, type SocialView, sortKeys } from './view.ts'

/**
 * The reference reducer: a set of valid messages in, the social state out.
 * It keeps every message (grouped by conflict key) and resolves on read, so
 * the state is a function of the set alone: any order, any duplicates, same
 * view. Delegated-key messages count only while the author's signer set
 * authorizes them; revoking a key drops them, and the next winner shows.
 */
export class SocialState {
  readonly #byId = new Map<string, Message>()
  readonly #groups = new Map<string, Message[]>()
  readonly #signerMessages = new Map<string, Message[]>()

  /** Adds a valid message; false when it was already there. */
  add(message: Message): boolean {
    const id = toHex(message.id)
    if (this.#byId.has(id)) return false
    this.#byId.set(id, message)
    push(this.#groups, conflictKey(message), message)
    if (message.data.type === 'signer.add' || message.data.type === 'signer.remove') {
      push(this.#signerMessages, toHex(message.data.author), message)
    }
    return true
  }

  get size(): number {
    return this.#byId.size
  }

  has(id: Uint8Array): boolean {
    return this.#byId.has(toHex(id))
  }

  /** The signer set of an account (remove-wins per key). */
  signersOf(author: Uint8Array): SignerSet {
    return signerSetOf(this.#signerMessages.get(toHex(author)) ?? [])
  }

  /** The winning authorized message of every conflict key, sorted by id. */
  winners(): Message[] {
    const signerSets = new Map<string, SignerSet>()
    const setOf = (author: Uint8Array): SignerSet => {
      const key = toHex(author)
      let set = signerSets.get(key)
      if (!set) {
        set = this.signersOf(author)
        signerSets.set(key, set)
      }
      return set
    }
    const out: Message[] = []
    for (const group of this.#groups.values()) {
      const effective = group.filter((m) => authorizeSigner(m, setOf(m.data.author)) === null)
      const winner = winnerOf(effective)
      if (winner) out.push(winner)
    }
    return out.sort((a, b) => compareBytes(a.id, b.id))
  }

  /** The social state as sorted plain JSON. */
  view(): SocialView {
    const posts: Record<string, PostView> = {}
    const tombstones: string[] = []
    const replies: Record<string, Message<'post.add'>[]> = {}
    const reactions: SocialView['reactions'] = {}
    const following: Record<string, string[]> = {}
    const profiles: SocialView['profiles'] = {}
    const signers: SocialView['signers'] = {}
    const signersOf = (author: string) => {
      signers[author] ??= { active: [], removed: [] }
      return signers[author]
    }

    for (const m of this.winners()) {
      const author = formatAccount(m.data.author)
      const d = m.data
      switch (d.type) {
        case 'post.add': {
          posts[toHex(m.id)] = postView(m as Message<'post.add'>)
          if (d.body.parent) push(replies, toHex(d.body.parent), m as Message<'post.add'>)
          break
        }
        case 'post.remove':
          tombstones.push(`${author}/${toHex(d.body.target)}`)
          break
        case 'reaction.add': {
          const target = toHex(d.body.target)
          const counts = reactions[target] ?? {}
          counts[d.body.kind] = (counts[d.body.kind] ?? 0) + 1
          reactions[target] = counts
          break
        }
        case 'follow.add':
          push(following, author, formatAccount(d.body.target))
          break
        case 'profile.set':
          profiles[author] = { ...profiles[author], [d.body.field]: d.body.value }
          break
        case 'signer.add':
          signersOf(author).active.push({
            key: toHex(d.body.key),
            expiresAt: d.body.expiresAt,
            scope: [...d.body.scope],
          })
          break
        case 'signer.remove':
          signersOf(author).removed.push(toHex(d.body.key))
          break
        case 'reaction.remove':
        case 'follow.remove':
          break
      }
    }

    const replyIds: Record<string, string[]> = {}
    for (const [parent, list] of Object.entries(replies)) {
      replyIds[parent] = list
        .sort((a, b) => a.data.timestamp - b.data.timestamp || compareBytes(a.id, b.id))
        .map((m) => toHex(m.id))
    }
    for (const list of Object.values(following)) list.sort()
    for (const s of Object.values(signers)) {
      s.active.sort((a, b) => (a.key < b.key ? -1 : 1))
      s.removed.sort()
    }
    const sortEach = <T>(record: Record<string, Record<string, T>>) => {
      for (const key of Object.keys(record))
        record[key] = sortKeys(record[key] as Record<string, T>)
      return sortKeys(record)
    }
    return {
      posts: sortKeys(posts),
      tombstones: tombstones.sort(),
      replies: sortKeys(replyIds),
      reactions: sortEach(reactions),
      following: sortKeys(following),
      profiles: sortEach(profiles),
      signers: sortKeys(signers),
    }
  }
}

/** The social state of a set of messages (duplicates and order do not matter). */
export function reduceMessages(messages: Iterable<Message>): SocialView {
  const state = new SocialState()
  for (const m of messages) state.add(m)
  return state.view()
}

/** The view of one post: ids in hex, accounts in `fb1…` form (PROTOCOL.md §10.4). */
export function postView(m: Message<'post.add'>): PostView {
  const b = m.data.body
  const view: PostView = {
    id: toHex(m.id),
    author: formatAccount(m.data.author),
    timestamp: m.data.timestamp,
    text: b.text,
  }
  if (b.parent) view.parent = toHex(b.parent)
  if (b.mentions) view.mentions = b.mentions.map(formatAccount)
  if (b.embeds) {
    view.embeds = b.embeds.map((e) => ('url' in e ? { url: e.url } : { post: toHex(e.post) }))
  }
  return view
}

function push<T>(map: Map<string, T[]> | Record<string, T[]>, key: string, value: T): void {
  const list = map instanceof Map ? map.get(key) : map[key]
  if (list) list.push(value)
  else if (map instanceof Map) map.set(key, [value])
  else map[key] = [value]
}
