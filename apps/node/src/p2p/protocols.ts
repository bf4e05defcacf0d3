import type { EventEmitter } from 'node:events'
import {
  decodeCanonical,
  encodeCanonical,
  equalBytes,
  FreebirdError,
  type Message,
  PROFILE_FIELD_LIMITS,
} from '@freebird/protocol'
import type { Libp2p, Stream } from '@libp2p/interface'
import type { Logger } from '../logger.ts'
import type { Ingest } from '../pipeline/ingest.ts'
import { followKey, profileKey } from '../store/keys.ts'
import type { MessageStore } from '../store/message-store.ts'
import { idleTimeout, readFrames, writeFrame, writeFrames } from './frames.ts'
import { queryProtocol, submitProtocol, subscribeProtocol } from './names.ts'

export interface ProtocolDeps {
  libp2p: Libp2p
  network: string
  store: MessageStore
  ingest: Ingest
  events: EventEmitter<{ stored: [Message] }>
  log: Logger
}

type Query = Record<string, unknown>

const MAX_LIMIT = 500
/** Unanswered submissions one stream may have; beyond it the stream stops being read. */
const SUBMIT_WINDOW = 1024

interface Filter {
  authors?: Uint8Array[]
  types?: string[]
  parent?: Uint8Array
}

/** A subscribe filter, checked: a peer's malformed filter must fail its stream, not the node. */
function parseFilter(value: unknown): Filter {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new QueryError('query.invalid', 'a filter is a map')
  }
  const f = value as Record<string, unknown>
  for (const key of Object.keys(f)) {
    if (key !== 'authors' && key !== 'types' && key !== 'parent') {
      throw new QueryError('query.invalid', `unknown filter key "${key}"`)
    }
  }
  const list = <T>(v: unknown, ok: (x: unknown) => x is T): T[] | undefined => {
    if (v === undefined) return undefined
    if (!Array.isArray(v) || v.length > 1000 || !v.every(ok)) {
      throw new QueryError('query.invalid', 'filter lists must be arrays of at most 1,000 items')
    }
    return v
  }
  const filter: Filter = {}
  const authors = list(
    f.authors,
    (x): x is Uint8Array => x instanceof Uint8Array && x.length === 32,
  )
  const types = list(f.types, (x): x is string => typeof x === 'string')
  if (authors) filter.authors = authors
  if (types) filter.types = types
  if (f.parent !== undefined) filter.parent = bytesField(f, 'parent', 32)
  return filter
}

class QueryError extends FreebirdError<string> {
  override name = 'QueryError'
}

function bytesField(q: Query, key: string, length: number): Uint8Array {
  const v = q[key]
  if (!(v instanceof Uint8Array) || v.length !== length) {
    throw new QueryError('query.invalid', `"${key}" must be ${length} bytes`)
  }
  return v
}

function limitField(q: Query, fallback: number): number {
  const v = q.limit ?? fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_LIMIT) {
    throw new QueryError('query.invalid', `"limit" must be an integer from 1 to ${MAX_LIMIT}`)
  }
  return v
}

/**
 * Light-client protocols over libp2p (docs/PROTOCOL.md, "Node protocols"). Every
 * frame is an unsigned-varint length prefix and a deterministic-CBOR map or an
 * envelope; answers carry envelopes, which the client verifies itself.
 */
export class LightClientProtocols {
  readonly #d: ProtocolDeps

  constructor(deps: ProtocolDeps) {
    this.#d = deps
  }

  async start(): Promise<void> {
    const { libp2p, network } = this.#d
    const handle = (name: string, fn: (stream: Stream) => Promise<void>) =>
      libp2p.handle(
        name,
        async (stream) => {
          try {
            await fn(stream)
          } catch (error) {
            this.#d.log.debug({ err: error, protocol: name }, 'stream ended with an error')
            stream.abort(error as Error)
          }
        },
        { maxInboundStreams: 256 },
      )
    await handle(submitProtocol(network), (s) => this.#submit(idleTimeout(s, 60_000)))
    await handle(queryProtocol(network), (s) => this.#query(idleTimeout(s, 10_000)))
    await handle(subscribeProtocol(network), (s) => this.#subscribe(s))
  }

  async stop(): Promise<void> {
    const { libp2p, network } = this.#d
    await libp2p.unhandle([
      submitProtocol(network),
      queryProtocol(network),
      subscribeProtocol(network),
    ])
  }

  /**
   * Frames of envelopes in; one result frame per envelope out, in order.
   * Answers that are ready together go out in one write.
   */
  async #submit(stream: Stream): Promise<void> {
    const ready = new Map<number, Uint8Array>()
    let received = 0
    let sent = 0
    let inputDone = false
    let wake: (() => void) | undefined
    let space: (() => void) | undefined
    // One writer: sends every answer that is ready, in order, then sleeps until the next.
    const writer = (async () => {
      for (;;) {
        if (ready.has(sent)) {
          const batch: Uint8Array[] = []
          for (let answer = ready.get(sent); answer; answer = ready.get(sent)) {
            ready.delete(sent++)
            batch.push(answer)
          }
          await writeFrames(stream, batch)
          space?.()
          space = undefined
          continue
        }
        if (inputDone && sent === received) return
        await new Promise<void>((resolve) => {
          wake = resolve
        })
      }
    })()
    // A peer that resets the stream must end this handler, not the node.
    let writerFailed = false
    writer.catch(() => {
      writerFailed = true
      space?.()
    })
    const notify = () => {
      const w = wake
      wake = undefined
      w?.()
    }
    for await (const frame of readFrames(stream, 8 * 1024)) {
      if (writerFailed) break
      // Backpressure: with SUBMIT_WINDOW answers outstanding, stop reading until some go out.
      while (received - sent >= SUBMIT_WINDOW && !writerFailed) {
        await new Promise<void>((resolve) => {
          space = resolve
        })
      }
      const index = received++
      void this.#d.ingest
        .submit(frame, 'libp2p')
        .then(
          (r) =>
            r.status === 'stored' || r.status === 'duplicate'
              ? { status: r.status, id: r.id }
              : { status: r.status, code: r.code, message: r.message },
          // Every frame gets its answer, or the writer would wait for it forever.
          (error) => ({ status: 'ignored', code: 'node.error', message: String(error) }),
        )
        .then((answer) => {
          ready.set(index, encodeCanonical(answer))
          notify()
        })
    }
    inputDone = true
    notify()
    await writer
    if (stream.status === 'open') await stream.close()
  }

  /** One query frame in, one answer frame out. */
  async #query(stream: Stream): Promise<void> {
    for await (const frame of readFrames(stream, 64 * 1024)) {
      let answer: unknown
      try {
        answer = { messages: await this.#answer(decodeCanonical(frame, 'query') as Query) }
      } catch (error) {
        if (!(error instanceof FreebirdError)) throw error
        answer = { error: { code: error.code, message: error.message } }
      }
      await writeFrame(stream, encodeCanonical(answer))
      break
    }
    await stream.close()
  }

  async #answer(q: Query): Promise<Uint8Array[]> {
    const { store } = this.#d
    if (typeof q !== 'object' || q === null)
      throw new QueryError('query.invalid', 'a query is a map')
    switch (q.q) {
      case 'message': {
        const bytes = await store.getMessage(bytesField(q, 'id', 32))
        return bytes ? [bytes] : []
      }
      case 'posts': {
        const before = typeof q.before === 'number' ? q.before : undefined
        return store.postsBy(bytesField(q, 'author', 32), limitField(q, 50), before)
      }
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
      case 'following': {
        const author = bytesField(q, 'author', 32)
        const out: Uint8Array[] = []
        for (const target of await store.followingOf(author, limitField(q, MAX_LIMIT))) {
          const bytes = await store.winner(followKey(author, target))
          if (bytes) out.push(bytes)
        }
        return out
      }
      case 'feed': {
        // Posts of the accounts `account` follows, newest first.
        const account = bytesField(q, 'account', 32)
        const limit = limitField(q, 50)
        const before = typeof q.before === 'number' ? q.before : undefined
        const lists = await Promise.all(
          (await store.followingOf(account, MAX_LIMIT)).map((a) => store.postsBy(a, limit, before)),
        )
        return lists
          .flat()
          .map((bytes) => ({ bytes, t: store.decode(bytes).data.timestamp }))
          .sort((a, b) => b.t - a.t)
          .slice(0, limit)
          .map((x) => x.bytes)
      }
      default:
        throw new QueryError('query.unknown', `unknown query "${String(q.q)}"`)
    }
  }

  /** A filter frame in; then an envelope frame for every newly stored match, until either side closes. */
  async #subscribe(stream: Stream): Promise<void> {
    const frames = readFrames(stream, 64 * 1024)
    const first = await frames.next()
    if (first.done) {
      if (stream.status === 'open') await stream.close().catch(() => {})
      return
    }
    const filter = parseFilter(decodeCanonical(first.value, 'filter'))
    const matches = (m: Message) =>
      (!filter.authors || filter.authors.some((a) => equalBytes(a, m.data.author))) &&
      (!filter.types || filter.types.includes(m.data.type)) &&
      (!filter.parent ||
        (m.data.type === 'post.add' &&
          !!m.data.body.parent &&
          equalBytes(m.data.body.parent, filter.parent)))
    const gone = new AbortController()
    stream.addEventListener('remoteCloseWrite', () => gone.abort(), { once: true })
    stream.addEventListener('close', () => gone.abort(), { once: true })
    const backlog: Message[] = []
    let wake: (() => void) | undefined
    const onStored = (m: Message) => {
      if (!matches(m)) return
      // A subscriber that falls 10,000 messages behind is dropped (it can resume by query).
      if (backlog.length >= 10_000) gone.abort()
      backlog.push(m)
      wake?.()
    }
    this.#d.events.on('stored', onStored)
    gone.signal.addEventListener('abort', () => wake?.(), { once: true })
    try {
      while (!gone.signal.aborted) {
        const m = backlog.shift()
        if (m) {
          await writeFrame(stream, m.bytes, gone.signal)
          continue
        }
        await new Promise<void>((resolve) => {
          wake = resolve
        })
        wake = undefined
      }
    } finally {
      this.#d.events.off('stored', onStored)
      // Detaches the frame reader's listeners (nothing more is read from a subscriber).
      await frames.return(undefined)
      if (stream.status === 'open')
        await stream.close({ signal: AbortSignal.timeout(5_000) }).catch(() => {})
    }
  }
}
