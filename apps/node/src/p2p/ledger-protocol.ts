import { encodeCanonical } from '@freebird/protocol'
import type { Libp2p, Stream } from '@libp2p/interface'
import type { Ledger } from '../ledger/ledger.ts'
import { answerLedgerRequest } from '../ledger/requests.ts'
import type { Logger } from '../logger.ts'
import { idleTimeout, readFrames, writeFrame } from './frames.ts'
import { ledgerProtocol } from './names.ts'

export interface LedgerProtocolDeps {
  libp2p: Libp2p
  network: string
  ledger: Ledger
  genesis: Uint8Array
  log: Logger
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
      const answer = await answerLedgerRequest(this.#d, frame, 'libp2p')
      await writeFrame(stream, encodeCanonical(answer))
    }
    if (stream.status === 'open') await stream.close()
  }
}
