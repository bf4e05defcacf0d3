/**
 * In-memory nodes for the client's unit tests: each holds a set of real,
 * signed messages and answers the NodeTransport calls the way a full node
 * does (PROTOCOL.md §13.4–13.5), computing winners with the protocol's own
 * rules. Options make a node lie: rewrite answers, rewrite streamed bytes,
 * ignore a subscription's filter, refuse submissions, or be down.
 */
import {
  authorizeSigner,
  type BuildOptions,
  compareBytes,
  conflictKey,
  createSigner,
  decodeMessage,
  encodeEnvelope,
  equalBytes,
  hasValidSignature,
  type Message,
  networkIdFromGenesis,
  type Signer,
  type SignerSet,
  signerSetOf,
  toHex,
  utf8,
  ValidationError,
  winnerOf,
} from '@freebird/protocol'
import {
  ClientError,
  type NodeTransport,
  type Query,
  type SubmitAnswer,
  type SubscribeFilter,
} from '../src/index.ts'

export const network = networkIdFromGenesis(utf8('client tests'))
export const NETWORK = toHex(network)
export const otherNetwork = networkIdFromGenesis(utf8('another network'))
export const T0 = Date.UTC(2026, 0, 1)

export const alice = createSigner(new Uint8Array(32).fill(1))
export const bob = createSigner(new Uint8Array(32).fill(2))
export const carol = createSigner(new Uint8Array(32).fill(3))
export const dave = createSigner(new Uint8Array(32).fill(4))

/** Build options: `signer` signs at T0 + `t` ms (for `author`, when it is an app key). */
export const by = (signer: Signer, t: number, author?: Uint8Array): BuildOptions => ({
  network,
  signer,
  timestamp: T0 + t,
  ...(author ? { author } : {}),
})

/** The envelope with one byte of `text` changed (decodes, but the signature no longer matches). */
export function altered(m: Message, text: string): Uint8Array {
  const bytes = m.bytes.slice()
  const needle = utf8(text)
  const at = bytes.findIndex((_, i) => needle.every((b, j) => bytes[i + j] === b))
  if (at < 0) throw new Error(`"${text}" is not in the envelope`)
  bytes[at] = (bytes[at] as number) ^ 1
  return bytes
}

/** The envelope with its signature replaced by garbage (same data, same id). */
export const forged = (m: Message): Uint8Array =>
  encodeEnvelope({ data: m.dataBytes, signer: m.signer, signature: new Uint8Array(64).fill(7) })

/** The ClientError a promise rejects with (fails the test if it resolves or throws another). */
export async function errorOf(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ClientError) return error
    throw error
  }
  throw new Error('expected a ClientError')
}

export interface FakeOptions {
  /** The network the node says it is on and accepts submissions for. */
  network?: Uint8Array
  /** Rewrites the honest answer to a query (to add, drop or alter envelopes). */
  answer?: (query: Query, honest: Uint8Array[]) => Uint8Array[]
  /** A verdict on a submitted (valid) message instead of storing it. */
  submit?: (message: Message) => SubmitAnswer | undefined
  /** Rewrites each envelope a subscription streams. */
  stream?: (message: Message) => Uint8Array
  /** Streams every stored message, whatever the subscriber's filter. */
  ignoreFilter?: boolean
}

export interface FakeNode extends NodeTransport {
  /** While true, every call throws `client.unavailable`. */
  down: boolean
  readonly queries: Query[]
  readonly submitted: Message[]
  readonly filters: SubscribeFilter[]
  /** Subscriptions streaming right now. */
  readonly open: number
  /** Stores messages (as if gossiped) and streams them to matching subscribers. */
  add(...messages: Message[]): void
  /** Breaks every open subscription, as a restart does. */
  restart(): void
}

const newestFirst = (a: Message, b: Message) =>
  b.data.timestamp - a.data.timestamp || compareBytes(b.id, a.id)
const oldestFirst = (a: Message, b: Message) => newestFirst(b, a)

const fits = (filter: SubscribeFilter, m: Message) =>
  (!filter.authors || filter.authors.some((a) => equalBytes(a, m.data.author))) &&
  (!filter.types || filter.types.includes(m.data.type)) &&
  (!filter.parent ||
    (m.data.type === 'post.add' &&
      !!m.data.body.parent &&
      equalBytes(m.data.body.parent, filter.parent)))

interface Live {
  filter: SubscribeFilter
  send: (m: Message) => void
  fail: (error: Error) => void
}

export function fakeNode(
  name: string,
  messages: Message[] = [],
  options: FakeOptions = {},
): FakeNode {
  const store = new Map<string, Message>()
  const live = new Set<Live>()
  const net = options.network ?? network
  const unavailable = (why: string) =>
    new ClientError('client.unavailable', `${name} ${why}`, { node: name })

  /** One winner per conflict key among the authorized messages (PROTOCOL.md §10.4). */
  const winners = (): Message[] => {
    const all = [...store.values()]
    const sets = new Map<string, SignerSet>()
    const setOf = (author: Uint8Array) => {
      const hex = toHex(author)
      const set = sets.get(hex) ?? signerSetOf(all.filter((m) => equalBytes(m.data.author, author)))
      sets.set(hex, set)
      return set
    }
    const groups = new Map<string, Message[]>()
    for (const m of all) {
      if (authorizeSigner(m, setOf(m.data.author))) continue
      const key = conflictKey(m)
      groups.set(key, [...(groups.get(key) ?? []), m])
    }
    return [...groups.values()].flatMap((g) => winnerOf(g) ?? [])
  }
  const visiblePosts = (w: Message[]) =>
    w.filter((m): m is Message<'post.add'> => m.data.type === 'post.add')
  const page = (list: Message[], limit = 50, before?: number, beforeId?: Uint8Array) =>
    list
      .filter(
        (m) =>
          before === undefined ||
          m.data.timestamp < before ||
          (beforeId !== undefined &&
            m.data.timestamp === before &&
            compareBytes(m.id, beforeId) < 0),
      )
      .sort(newestFirst)
      .slice(0, limit)

  const honest = (query: Query): Message[] => {
    const w = winners()
    switch (query.q) {
      case 'message': {
        const m = store.get(toHex(query.id))
        // A removed (or unauthorized) post's content is not served.
        return m && (m.data.type !== 'post.add' || w.includes(m)) ? [m] : []
      }
      case 'thread': {
        const root = honest({ q: 'message', id: query.id })
        if (root.length === 0) return []
        const replies = visiblePosts(w)
          .filter((m) => m.data.body.parent && equalBytes(m.data.body.parent, query.id))
          .sort(oldestFirst)
          .slice(0, query.limit ?? 200)
        return [...root, ...replies]
      }
      case 'posts':
        return page(
          visiblePosts(w).filter((m) => equalBytes(m.data.author, query.author)),
          query.limit,
          query.before,
          query.beforeId,
        )
      case 'feed': {
        const followed = w.flatMap((m) =>
          m.data.type === 'follow.add' && equalBytes(m.data.author, query.account)
            ? [toHex(m.data.body.target)]
            : [],
        )
        return page(
          visiblePosts(w).filter((m) => followed.includes(toHex(m.data.author))),
          query.limit,
          query.before,
          query.beforeId,
        )
      }
      case 'profile':
        return w.filter(
          (m) => m.data.type === 'profile.set' && equalBytes(m.data.author, query.author),
        )
      case 'following':
        return w
          .filter(
            (m) =>
              (m.data.type === 'follow.add' || m.data.type === 'follow.remove') &&
              equalBytes(m.data.author, query.author),
          )
          .slice(0, query.limit ?? 500)
      case 'followers':
        return w
          .filter(
            (m) => m.data.type === 'follow.add' && equalBytes(m.data.body.target, query.account),
          )
          .slice(0, query.limit ?? 500)
      case 'signers':
        return w.filter(
          (m) =>
            (m.data.type === 'signer.add' || m.data.type === 'signer.remove') &&
            equalBytes(m.data.author, query.author),
        )
      case 'removal':
        return [...store.values()].filter(
          (m) =>
            m.data.type === 'post.remove' &&
            equalBytes(m.data.author, query.author) &&
            equalBytes(m.data.body.target, query.id),
        )
    }
  }

  const node: FakeNode = {
    name,
    down: false,
    queries: [],
    submitted: [],
    filters: [],
    get open() {
      return live.size
    },
    add(...messages) {
      for (const m of messages) {
        store.set(toHex(m.id), m)
        for (const sub of [...live]) if (options.ignoreFilter || fits(sub.filter, m)) sub.send(m)
      }
    },
    restart() {
      for (const sub of [...live]) sub.fail(unavailable('restarted'))
    },
    async network() {
      if (node.down) throw unavailable('is down')
      return toHex(net)
    },
    async submit(bytes) {
      if (node.down) throw unavailable('is down')
      let m: Message
      try {
        m = decodeMessage(bytes, { network: net })
      } catch (error) {
        const code = error instanceof ValidationError ? error.code : 'invalid.encoding'
        return { status: 'refused', code, message: String(error) }
      }
      if (!hasValidSignature(m)) {
        return { status: 'refused', code: 'invalid.signature', message: 'bad signature' }
      }
      node.submitted.push(m)
      const verdict = options.submit?.(m)
      if (verdict) return verdict
      const duplicate = store.has(toHex(m.id))
      node.add(m)
      return { status: duplicate ? 'duplicate' : 'stored', id: toHex(m.id) }
    },
    async query(query) {
      node.queries.push(query)
      if (node.down) throw unavailable('is down')
      const bytes = honest(query).map((m) => m.bytes)
      return options.answer ? options.answer(query, bytes) : bytes
    },
    // This node keeps no ledger (fake-ledger.ts makes validators).
    genesis: async () => {
      throw unavailable('keeps no ledger')
    },
    order: async () => ({ status: 'refused', code: 'ledger.no_ledger', message: 'no ledger' }),
    certificate: async () => ({
      status: 'refused',
      code: 'ledger.no_ledger',
      message: 'no ledger',
    }),
    balance: async () => {
      throw unavailable('keeps no ledger')
    },
    transfers: async () => {
      throw unavailable('keeps no ledger')
    },
    tips: async () => {
      throw unavailable('keeps no ledger')
    },
    subscribe(filter, onMessage, signal) {
      if (node.down) return Promise.reject(unavailable('is down'))
      node.filters.push(filter)
      return new Promise<void>((resolve, reject) => {
        const sub: Live = {
          filter,
          send: (m) => onMessage(options.stream ? options.stream(m) : m.bytes),
          fail: (error) => {
            live.delete(sub)
            reject(error)
          },
        }
        const end = () => {
          live.delete(sub)
          resolve()
        }
        if (signal.aborted) return end()
        signal.addEventListener('abort', end, { once: true })
        live.add(sub)
        const since = filter.since
        if (since === undefined) return
        const replay = [...store.values()]
          .filter((m) => m.data.timestamp >= since && (options.ignoreFilter || fits(filter, m)))
          .sort(oldestFirst)
        for (const m of replay) {
          if (signal.aborted || !live.has(sub)) break
          sub.send(m)
        }
      })
    },
  }
  node.add(...messages)
  return node
}
