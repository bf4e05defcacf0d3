import { nodeSha256 } from '@freebird/node-verifier'
import {
  authorizeSigner,
  decodeMessage,
  equalBytes,
  type Message,
  messageWins,
  signerSetOf,
  toHex,
  utf8,
} from '@freebird/protocol'
import { SyncIndex } from '../sync/sync-index.ts'
import { type Db, openDb, type Sub, type Sublevels } from './db.ts'
import { SetFingerprint } from './fingerprint.ts'
import { HashFilter } from './hash-filter.ts'
import { concat, lwwKey, prefixEnd, readU64, signerKey, tombstoneKey, u64 } from './keys.ts'
import { Tx } from './tx.ts'

const EMPTY = new Uint8Array(0)
/** Tombstone flags: a root-signed removal deleted the content; delegated ones only hide it. */
const ROOT_REMOVED = 1
const DELEGATED_REMOVED = 0
const META_SUM = Uint8Array.of(1)
const META_COUNT = Uint8Array.of(2)

/** What applying one valid message did. */
export type ApplyOutcome =
  | { status: 'stored' }
  | { status: 'duplicate' }
  /** Not stored now; may be valid later (unknown or expired delegated key, removed post). */
  | { status: 'ignored'; code: string }
  /** Never valid (its delegated key was removed). */
  | { status: 'rejected'; code: string }

/** One atomic batch in the making: its writes and the (timestamp, id) keys it adds and removes. */
interface Run {
  tx: Tx
  fp: SetFingerprint
  added: Uint8Array[]
  removed: Uint8Array[]
}

/**
 * The node's message set and the indexes derived from it, in one LevelDB.
 * Writes are serialized by the caller (the ingest pipeline's single writer);
 * each `applyGroup` is one atomic batch.
 */
export class MessageStore {
  readonly #db: Db
  readonly #subs: Sublevels
  readonly #network: Uint8Array
  #fingerprint: SetFingerprint
  readonly #signerCache = new Map<string, Message | null>()
  /** Ids that may be stored, and posts that may have a tombstone: most new messages need no read. */
  readonly #ids: HashFilter
  readonly #tombstoned: HashFilter
  /** The message set as sync reconciles it (the byTime index with block summaries). */
  readonly syncIndex: SyncIndex

  private constructor(db: Db, subs: Sublevels, network: Uint8Array, fingerprint: SetFingerprint) {
    this.#db = db
    this.#subs = subs
    this.#network = network
    this.#fingerprint = fingerprint
    this.syncIndex = new SyncIndex(subs.byTime)
    this.#ids = new HashFilter(Math.max(1 << 20, 2 * fingerprint.count))
    this.#tombstoned = new HashFilter(1 << 14)
  }

  static async open(path: string, network: Uint8Array): Promise<MessageStore> {
    const { db, subs } = await openDb(path)
    const [sum, count] = await subs.meta.getMany([META_SUM, META_COUNT])
    const fingerprint = new SetFingerprint(sum ?? new Uint8Array(32), count ? readU64(count) : 0)
    const store = new MessageStore(db, subs, network, fingerprint)
    // The index's start-up scan sees every stored id (its keys are timestamp || id).
    await store.syncIndex.load((key) => store.#ids.add(key.subarray(8)))
    for await (const key of subs.tombstones.keys()) store.#tombstoned.add(key.subarray(32))
    return store
  }

  async close(): Promise<void> {
    await this.#db.close()
  }

  get messageCount(): number {
    return this.#fingerprint.count
  }

  /** Fingerprint of the whole message set: equal on two nodes exactly when their sets are equal. */
  get stateRoot(): Uint8Array {
    return this.#fingerprint.fingerprint()
  }

  /** Decodes bytes the store wrote itself (validated on the way in). */
  decode(bytes: Uint8Array): Message {
    return decodeMessage(bytes, { network: this.#network, sha256: nodeSha256 })
  }

  // ------------------------------------------------------------------ writes

  /**
   * Applies valid (signature-checked) messages in order, in one atomic batch.
   * A group is split before any signer.add/remove, whose re-check of the
   * key's messages walks the store and so must see everything before it committed.
   */
  async applyGroup(messages: Message[]): Promise<ApplyOutcome[]> {
    const outcomes: ApplyOutcome[] = []
    let start = 0
    for (let i = 0; i <= messages.length; i++) {
      const split =
        i === messages.length || (!!messages[i]?.data.type.startsWith('signer.') && i > start)
      if (!split) continue
      const run = messages.slice(start, i)
      try {
        outcomes.push(...(await this.#applyRun(run)))
      } catch {
        // This run's batch was not written (earlier runs were): say so for each of its messages.
        this.#signerCache.clear()
        outcomes.push(
          ...run.map((): ApplyOutcome => ({ status: 'ignored', code: 'store.unavailable' })),
        )
      }
      start = i
    }
    return outcomes
  }

  async #applyRun(messages: Message[]): Promise<ApplyOutcome[]> {
    const run: Run = { tx: new Tx(), fp: this.#fingerprint.clone(), added: [], removed: [] }
    const { tx, fp } = run
    const s = this.#subs
    const outcomes: ApplyOutcome[] = []
    for (const m of messages) outcomes.push(await this.#apply(run, m))
    if (tx.size > 0) {
      tx.put(s.meta, META_SUM, fp.sum)
      tx.put(s.meta, META_COUNT, u64(fp.count))
      // No sync round may see the index between the batch and its summary update.
      await this.syncIndex.exclusive(async () => {
        await this.#db.batch(tx.ops as never)
        this.#fingerprint = fp
        await this.syncIndex.commit(run.added, run.removed)
      })
    }
    return outcomes
  }

  async #apply(run: Run, m: Message): Promise<ApplyOutcome> {
    const { tx } = run
    const s = this.#subs
    if (this.#ids.mayHave(m.id) && tx.get(s.messages, m.id)) return { status: 'duplicate' }
    const d = m.data
    const delegated = !equalBytes(m.signer, d.author)
    if (delegated) {
      const winner = await this.#signerWinner(tx, d.author, m.signer)
      const error = authorizeSigner(m, signerSetOf(winner ? [winner] : []))
      if (error) {
        return error.action === 'reject'
          ? { status: 'rejected', code: error.code }
          : { status: 'ignored', code: error.code }
      }
    }
    // A root-signed removal deleted the post for good; a delegated one only hides it.
    const tombstone =
      d.type === 'post.add' && this.#tombstoned.mayHave(m.id)
        ? tx.get(s.tombstones, concat(d.author, m.id))
        : undefined
    if (tombstone?.[0] === ROOT_REMOVED) {
      if (!tx.get(s.gone, m.id)) tx.put(s.gone, m.id, EMPTY)
      return { status: 'ignored', code: 'post.removed' }
    }

    this.#insert(run, m)
    if (delegated) tx.put(s.bySigner, concat(d.author, m.signer, m.id), EMPTY)
    switch (d.type) {
      case 'post.add':
        if (!tombstone) this.#addPostIndexes(tx, m as Message<'post.add'>)
        break
      case 'post.remove':
        await this.#applyPostRemove(run, m as Message<'post.remove'>)
        break
      default:
        await this.#applyLww(run, m)
    }
    return { status: 'stored' }
  }

  #insert(run: Run, m: Message): void {
    const key = concat(u64(m.data.timestamp), m.id)
    run.tx.put(this.#subs.messages, m.id, m.bytes)
    // Before the batch is written: a message later in it must find this one.
    this.#ids.add(m.id)
    run.tx.put(this.#subs.byTime, key, EMPTY)
    run.added.push(key)
    run.fp.add(m.id)
  }

  /** Takes a message out of the set; `forGood` when it can never be valid again. */
  #delete(run: Run, m: Message, forGood: boolean): void {
    const { tx } = run
    const s = this.#subs
    const key = concat(u64(m.data.timestamp), m.id)
    tx.del(s.messages, m.id)
    tx.del(s.byTime, key)
    run.removed.push(key)
    if (forGood) tx.put(s.gone, m.id, EMPTY)
    if (!equalBytes(m.signer, m.data.author))
      tx.del(s.bySigner, concat(m.data.author, m.signer, m.id))
    run.fp.remove(m.id)
  }

  #addPostIndexes(tx: Tx, m: Message<'post.add'>): void {
    const d = m.data
    tx.put(this.#subs.posts, concat(d.author, u64(d.timestamp), m.id), EMPTY)
    if (d.body.parent)
      tx.put(this.#subs.replies, concat(d.body.parent, u64(d.timestamp), m.id), EMPTY)
  }

  #removePostIndexes(tx: Tx, m: Message<'post.add'>): void {
    const d = m.data
    tx.del(this.#subs.posts, concat(d.author, u64(d.timestamp), m.id))
    if (d.body.parent) tx.del(this.#subs.replies, concat(d.body.parent, u64(d.timestamp), m.id))
  }

  /**
   * Remove-wins: the post is hidden and a tombstone kept. A root-signed
   * removal also deletes the post's content for good (the root key is never
   * revoked); a delegated one keeps the bytes, because revoking that key
   * brings the post back, and every node must then still have it.
   */
  async #applyPostRemove(run: Run, m: Message<'post.remove'>): Promise<void> {
    const { tx } = run
    const s = this.#subs
    const { author, body } = m.data
    const key = concat(author, body.target)
    const root = equalBytes(m.signer, author)
    tx.put(s.candidates, concat(tombstoneKey(author, body.target), m.id), EMPTY)
    const current = tx.get(s.tombstones, key)
    const flag = current?.[0] === ROOT_REMOVED || root ? ROOT_REMOVED : DELEGATED_REMOVED
    tx.put(s.tombstones, key, Uint8Array.of(flag))
    this.#tombstoned.add(body.target)
    const post = await this.#load(tx, body.target)
    if (post?.data.type !== 'post.add' || !equalBytes(post.data.author, author)) return
    if (!current) this.#removePostIndexes(tx, post as Message<'post.add'>)
    if (root) this.#delete(run, post, true)
  }

  /** After a delegated removal is revoked: the remaining removals decide; with none, the post shows again. */
  async #recomputeTombstone(tx: Tx, author: Uint8Array, target: Uint8Array): Promise<void> {
    const s = this.#subs
    const key = tombstoneKey(author, target)
    for await (const row of s.candidates.keys({ gte: key, lt: prefixEnd(key) })) {
      if (tx.get(s.messages, row.subarray(key.length))) return
    }
    tx.del(s.tombstones, concat(author, target))
    const post = await this.#load(tx, target)
    if (post?.data.type === 'post.add' && equalBytes(post.data.author, author)) {
      this.#addPostIndexes(tx, post as Message<'post.add'>)
    }
  }

  async #applyLww(run: Run, m: Message): Promise<void> {
    const { tx } = run
    const s = this.#subs
    const key = lwwKey(m) as Uint8Array
    tx.put(s.candidates, concat(key, m.id), EMPTY)
    const currentId = tx.get(s.winners, key)
    const current = currentId ? await this.#load(tx, currentId) : undefined
    if (current && !messageWins(m, current)) return
    tx.put(s.winners, key, m.id)
    if (current) this.#effects(tx, current, -1)
    this.#effects(tx, m, +1)
    if (m.data.type === 'signer.add' || m.data.type === 'signer.remove') {
      this.#signerCache.delete(toHex(key))
      // The key's entry changed: what it signed must still be authorized by the new one.
      const entry = signerSetOf([m])
      await this.#recheck(
        run,
        m.data.author,
        m.data.body.key,
        (x) => authorizeSigner(x, entry) === null,
        // signer.remove wins for good: what the key signed never comes back.
        m.data.type === 'signer.remove',
      )
    }
  }

  /** The derived rows of a winning message: +1 adds them, -1 takes them away. */
  #effects(tx: Tx, m: Message, sign: 1 | -1): void {
    const s = this.#subs
    const d = m.data
    if (d.type === 'reaction.add') {
      const row = concat(d.body.target, utf8(d.body.kind), d.author)
      if (sign > 0) tx.put(s.reactions, row, EMPTY)
      else tx.del(s.reactions, row)
    } else if (d.type === 'follow.add') {
      if (sign > 0) {
        tx.put(s.following, concat(d.author, d.body.target), EMPTY)
        tx.put(s.followers, concat(d.body.target, d.author), EMPTY)
      } else {
        tx.del(s.following, concat(d.author, d.body.target))
        tx.del(s.followers, concat(d.body.target, d.author))
      }
    }
  }

  /**
   * Messages the key signed for the author that `keep` no longer authorizes
   * leave the set (a removal: all of them; a narrower signer.add: those past
   * its expiry or scope); the next winners show, removed posts come back.
   */
  async #recheck(
    run: Run,
    author: Uint8Array,
    key: Uint8Array,
    keep: (m: Message) => boolean,
    forGood: boolean,
  ): Promise<void> {
    const { tx } = run
    const s = this.#subs
    const prefix = concat(author, key)
    for await (const row of s.bySigner.keys({ gte: prefix, lt: prefixEnd(prefix) })) {
      const id = row.subarray(64)
      const bytes = tx.get(s.messages, id)
      if (!bytes) continue
      const m = this.decode(bytes)
      if (keep(m)) continue
      this.#delete(run, m, forGood)
      if (m.data.type === 'post.add') this.#removePostIndexes(tx, m as Message<'post.add'>)
      if (m.data.type === 'post.remove') {
        const target = (m as Message<'post.remove'>).data.body.target
        tx.del(s.candidates, concat(tombstoneKey(author, target), m.id))
        await this.#recomputeTombstone(tx, author, target)
        continue
      }
      const k = lwwKey(m)
      if (!k) continue
      tx.del(s.candidates, concat(k, m.id))
      const winnerId = tx.get(s.winners, k)
      if (!winnerId || !equalBytes(winnerId, m.id)) continue
      this.#effects(tx, m, -1)
      const next = await this.#bestCandidate(tx, k)
      if (next) {
        tx.put(s.winners, k, next.id)
        this.#effects(tx, next, +1)
      } else {
        tx.del(s.winners, k)
      }
    }
  }

  async #bestCandidate(tx: Tx, key: Uint8Array): Promise<Message | undefined> {
    let best: Message | undefined
    for await (const row of this.#subs.candidates.keys({ gte: key, lt: prefixEnd(key) })) {
      if (row.length !== key.length + 32) continue
      const m = await this.#load(tx, row.subarray(key.length))
      if (m && (!best || messageWins(m, best))) best = m
    }
    return best
  }

  async #signerWinner(tx: Tx, author: Uint8Array, key: Uint8Array): Promise<Message | undefined> {
    const k = signerKey(author, key)
    const hex = toHex(k)
    if (this.#signerCache.has(hex)) return this.#signerCache.get(hex) ?? undefined
    // Unknown keys are cached too: bound the cache so random keys cannot grow it forever.
    if (this.#signerCache.size >= 100_000) this.#signerCache.clear()
    const id = tx.get(this.#subs.winners, k)
    const m = id ? await this.#load(tx, id) : undefined
    this.#signerCache.set(hex, m ?? null)
    return m
  }

  async #load(tx: Tx, id: Uint8Array): Promise<Message | undefined> {
    const bytes = tx.get(this.#subs.messages, id)
    return bytes ? this.decode(bytes) : undefined
  }

  // ------------------------------------------------------------------ reads

  async getMessage(id: Uint8Array): Promise<Uint8Array | undefined> {
    return this.#subs.messages.get(id)
  }

  /** Envelopes of many ids (undefined where not held), in one LevelDB call. */
  getMessages(ids: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    return this.#subs.messages.getMany(ids)
  }

  /** The ids of `ids` that are gone for good (sync does not fetch them). */
  async goneOf(ids: Uint8Array[]): Promise<Set<number>> {
    const values = await this.#subs.gone.getMany(ids)
    const out = new Set<number>()
    values.forEach((v, i) => {
      if (v !== undefined) out.add(i)
    })
    return out
  }

  /**
   * Posts of an author, newest first: those before `before` (ms), or, with
   * `beforeId`, before the post (before, beforeId) in (timestamp, id) order.
   */
  async postsBy(
    author: Uint8Array,
    limit: number,
    before?: number,
    beforeId?: Uint8Array,
  ): Promise<Uint8Array[]> {
    const ids = await this.#idsUnder(this.#subs.posts, author, limit, before, beforeId)
    return this.#bytesOf(ids)
  }

  /** Direct replies of a post, oldest first. */
  async repliesOf(id: Uint8Array, limit: number): Promise<Uint8Array[]> {
    const ids: Uint8Array[] = []
    for await (const row of this.#subs.replies.keys({ gte: id, lt: prefixEnd(id), limit })) {
      ids.push(row.subarray(40))
    }
    return this.#bytesOf(ids)
  }

  async reactionCounts(target: Uint8Array): Promise<Record<string, number>> {
    const counts: Record<string, number> = {}
    for await (const row of this.#subs.reactions.keys({ gte: target, lt: prefixEnd(target) })) {
      const kind = new TextDecoder().decode(row.subarray(32, row.length - 32))
      counts[kind] = (counts[kind] ?? 0) + 1
    }
    return counts
  }

  /** The winning message of a conflict key (profile field, follow, ...). */
  async winner(key: Uint8Array): Promise<Uint8Array | undefined> {
    const id = await this.#subs.winners.get(key)
    return id ? this.#subs.messages.get(id) : undefined
  }

  /** Accounts an account follows. */
  followingOf(author: Uint8Array, limit: number): Promise<Uint8Array[]> {
    return this.#suffixes(this.#subs.following, author, limit)
  }

  /** Accounts that follow an account. */
  followersOf(target: Uint8Array, limit: number): Promise<Uint8Array[]> {
    return this.#suffixes(this.#subs.followers, target, limit)
  }

  /** Winning messages of the conflict keys under `prefix` (an author's follows, or signer keys). */
  async winnersUnder(prefix: Uint8Array, limit: number): Promise<Uint8Array[]> {
    const ids: Uint8Array[] = []
    for await (const id of this.#subs.winners.values({
      gte: prefix,
      lt: prefixEnd(prefix),
      limit,
    })) {
      ids.push(id)
    }
    return this.#bytesOf(ids)
  }

  /** The `post.remove` messages held for one post of `author`. */
  async removalsOf(author: Uint8Array, target: Uint8Array): Promise<Uint8Array[]> {
    const key = tombstoneKey(author, target)
    const ids: Uint8Array[] = []
    for await (const row of this.#subs.candidates.keys({ gte: key, lt: prefixEnd(key) })) {
      if (row.length === key.length + 32) ids.push(row.subarray(key.length))
    }
    return this.#bytesOf(ids)
  }

  /** Ids of messages with a timestamp of at least `since`, oldest first. */
  async idsSince(since: number, limit: number): Promise<Uint8Array[]> {
    const ids: Uint8Array[] = []
    for await (const row of this.#subs.byTime.keys({ gte: u64(since), limit })) {
      ids.push(row.subarray(8))
    }
    return ids
  }

  /** The rest of each key that starts with `prefix`. */
  async #suffixes(sub: Sub, prefix: Uint8Array, limit: number): Promise<Uint8Array[]> {
    const out: Uint8Array[] = []
    for await (const row of sub.keys({ gte: prefix, lt: prefixEnd(prefix), limit })) {
      out.push(row.subarray(prefix.length))
    }
    return out
  }

  async #idsUnder(
    sub: Sub,
    prefix: Uint8Array,
    limit: number,
    before?: number,
    beforeId?: Uint8Array,
  ): Promise<Uint8Array[]> {
    const lt =
      before === undefined ? prefixEnd(prefix) : concat(prefix, u64(before), beforeId ?? EMPTY)
    const ids: Uint8Array[] = []
    for await (const row of sub.keys({ gte: prefix, lt, reverse: true, limit })) {
      ids.push(row.subarray(prefix.length + 8))
    }
    return ids
  }

  async #bytesOf(ids: Uint8Array[]): Promise<Uint8Array[]> {
    const values = await this.#subs.messages.getMany(ids)
    return values.filter((v): v is Uint8Array => v !== undefined)
  }
}
