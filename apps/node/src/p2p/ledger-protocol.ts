import {
  decodeCanonical,
  encodeCanonical,
  FreebirdError,
  ID_BYTES,
  PUBLIC_KEY_BYTES,
} from '@freebird/protocol'
import type { Libp2p, Stream } from '@libp2p/interface'
import type { Ledger } from '../ledger/ledger.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import { u64 } from '../store/keys.ts'
import { idleTimeout, readFrames, writeFrame } from './frames.ts'
import { ledgerProtocol } from './names.ts'

export interface LedgerProtocolDeps {
  libp2p: Libp2p
  network: string
  ledger: Ledger
  genesis: Uint8Array
  metrics: Metrics
  log: Logger
}

/** A request that names no known operation, or whose fields are of the wrong type. */
class LedgerRequestError extends FreebirdError<'ledger.bad_request'> {
  override name = 'LedgerRequestError'
}

const bytesField = (value: unknown, length: number | undefined, what: string): Uint8Array => {
  if (!(value instanceof Uint8Array) || (length !== undefined && value.length !== length))
    throw new LedgerRequestError('ledger.bad_request', `${what} must be ${length ?? 'some'} bytes`)
  return value
}

const listOptions = (r: Record<string, unknown>, fallback: number, max: number) => {
  const limit = r.limit === undefined ? fallback : r.limit
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > max)
    throw new LedgerRequestError('ledger.bad_request', `limit must be 1 to ${max}`)
  if (r.before !== undefined && (typeof r.before !== 'number' || !Number.isSafeInteger(r.before)))
    throw new LedgerRequestError('ledger.bad_request', 'before must be a timestamp in ms')
  return { limit, ...(r.before !== undefined ? { before: u64(r.before as number) } : {}) }
}

/**
 * `/freebird/<network>/ledger/1.0.0` (PROTOCOL.md, "Ledger protocol"): request
 * frames in, one answer frame each, in order. A request is a CBOR map naming
 * one operation: order (a vote), certificate (apply), balance, transfers,
 * tips, genesis. Refusals are `{ error: { code, message } }`.
 */
export class LedgerProtocol {
  readonly #d: LedgerProtocolDeps

  constructor(deps: LedgerProtocolDeps) {
    this.#d = deps
  }

  async start(): Promise<void> {
    await this.#d.libp2p.handle(
      ledgerProtocol(this.#d.network),
      async (stream) => {
        try {
          await this.#serve(idleTimeout(stream, 30_000))
        } catch (error) {
          this.#d.log.debug({ err: error }, 'ledger stream ended with an error')
          stream.abort(error as Error)
        }
      },
      { maxInboundStreams: 256 },
    )
  }

  async stop(): Promise<void> {
    await this.#d.libp2p.unhandle(ledgerProtocol(this.#d.network)).catch(() => {})
  }

  async #serve(stream: Stream): Promise<void> {
    for await (const frame of readFrames(stream, 64 * 1024)) {
      let answer: unknown
      try {
        answer = await this.#answer(decodeCanonical(frame, 'request'))
      } catch (error) {
        if (!(error instanceof FreebirdError)) throw error
        answer = { error: { code: error.code, message: error.message } }
      }
      await writeFrame(stream, encodeCanonical(answer))
    }
    if (stream.status === 'open') await stream.close()
  }

  async #answer(request: unknown): Promise<unknown> {
    const { ledger, metrics } = this.#d
    if (typeof request !== 'object' || request === null || Array.isArray(request))
      throw new LedgerRequestError('ledger.bad_request', 'a request is a map')
    const r = request as Record<string, unknown>
    if ('order' in r) {
      try {
        const vote = await ledger.vote(bytesField(r.order, undefined, 'order'))
        metrics.ledgerVotes.inc({ outcome: 'voted' })
        return { vote }
      } catch (error) {
        if (error instanceof FreebirdError) metrics.ledgerVotes.inc({ outcome: error.code })
        throw error
      }
    }
    if ('certificate' in r) {
      const result = await ledger.submit(
        bytesField(r.certificate, undefined, 'certificate'),
        'libp2p',
      )
      if (result.status === 'stored' || result.status === 'duplicate')
        return { status: result.status, id: result.id }
      return { error: { code: result.code, message: result.message } }
    }
    if ('balance' in r) {
      const b = ledger.balance(bytesField(r.balance, PUBLIC_KEY_BYTES, 'balance'))
      // Text: CBOR here has no negative integers, and a balance may be below zero for a moment.
      return {
        balance: b.balance.toString(),
        nextSeq: b.nextSeq,
        ...(b.attestation ? { attestation: b.attestation.bytes } : {}),
      }
    }
    if ('transfers' in r) {
      const account = bytesField(r.transfers, PUBLIC_KEY_BYTES, 'transfers')
      return { certificates: await ledger.transfers(account, listOptions(r, 50, 500)) }
    }
    if ('tips' in r) {
      const post = bytesField(r.tips, ID_BYTES, 'tips')
      return {
        total: ledger.state.tipsOf(post).toString(),
        certificates: await ledger.tipsTo(post, listOptions(r, 100, 1000)),
      }
    }
    if ('genesis' in r) return { genesis: this.#d.genesis }
    throw new LedgerRequestError('ledger.bad_request', 'unknown ledger request')
  }
}
