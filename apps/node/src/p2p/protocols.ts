import type { EventEmitter } from 'node:events'
import { decodeCanonical, encodeCanonical, FreebirdError, type Message } from '@freebird/protocol'
import type { Libp2p, Stream } from '@libp2p/interface'
import type { Logger } from '../logger.ts'
import type { Ingest } from '../pipeline/ingest.ts'
import { answerQuery } from '../query/answer.ts'
import { parseFilter, subscription } from '../query/subscription.ts'
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

/**
 * Unanswered submissions one stream may have; beyond it the stream stops being
 * read. Enough to keep every verify thread busy while a group is written
 * (1,024 left them waiting: 14,900 msg/s, 2,048: 16,700). The ingest's own
 * admission bound caps all streams together.
 */
const SUBMIT_WINDOW = 2048

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
        answer = { messages: await answerQuery(this.#d.store, decodeCanonical(frame, 'query')) }
      } catch (error) {
        if (!(error instanceof FreebirdError)) throw error
        answer = { error: { code: error.code, message: error.message } }
      }
      await writeFrame(stream, encodeCanonical(answer))
      break
    }
    await stream.close()
  }

  /**
   * A filter frame in; then an envelope frame for every match, stored ones
   * since `filter.since` first, until either side closes.
   */
  async #subscribe(stream: Stream): Promise<void> {
    const frames = readFrames(stream, 64 * 1024)
    const first = await frames.next()
    if (first.done) {
      if (stream.status === 'open') await stream.close().catch(() => {})
      return
    }
    const filter = parseFilter(decodeCanonical(first.value, 'filter'))
    const gone = new AbortController()
    stream.addEventListener('remoteCloseWrite', () => gone.abort(), { once: true })
    stream.addEventListener('close', () => gone.abort(), { once: true })
    try {
      for await (const m of subscription(this.#d.store, this.#d.events, filter, gone.signal)) {
        await writeFrame(stream, m.bytes, gone.signal)
      }
    } finally {
      gone.abort()
      // Detaches the frame reader's listeners (nothing more is read from a subscriber).
      await frames.return(undefined)
      if (stream.status === 'open')
        await stream.close({ signal: AbortSignal.timeout(5_000) }).catch(() => {})
    }
  }
}
