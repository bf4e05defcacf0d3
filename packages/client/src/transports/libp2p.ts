import { decodeCanonical, encodeCanonical } from '@freebird/protocol'
import type { Libp2p, Stream } from '@libp2p/interface'
import type { lpStream } from '@libp2p/utils'
import type { Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { ClientError } from '../errors.ts'
import {
  balanceOf,
  bytesOf,
  certificatesOf,
  messagesOf,
  refusalOf,
  submitAnswerOf,
} from './http.ts'
import {
  IDENTIFY_MAX_FRAME,
  IDENTIFY_PROTOCOL,
  IDENTIFY_TIMEOUT_MS,
  identifyProtocols,
} from './identify.ts'
import type { LedgerPage, NodeTransport } from './types.ts'

/**
 * The client's own libp2p host (dials only, never listens) with the two
 * helpers the transport needs. They come together from one dynamic import,
 * so a page that only talks HTTP loads none of libp2p.
 */
export interface ClientHost {
  libp2p: Libp2p
  multiaddr: typeof multiaddr
  lpStream: typeof lpStream
}

/** Largest answer frame (PROTOCOL.md §13.4). */
const MAX_FRAME = 4 * 1024 * 1024
const PROTOCOL = /^\/freebird\/([0-9a-f]{32})\/query\/1\.0\.0$/

/**
 * A node reached over libp2p (TCP in Node, WebSockets in browsers) as a
 * transport, speaking the light-client protocols of PROTOCOL.md §13.3–13.5.
 * The network comes from the protocols the node announces (its identify
 * answer, read by the transport: the host needs no identify service). All
 * transports of one client share `host`. `createClient` makes one for
 * each multiaddr it is given; build one yourself to bring your own host.
 *
 * @example
 * ```ts
 * const host = createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()],
 *   streamMuxers: [yamux()] })
 * const node = libp2pTransport('/ip4/127.0.0.1/tcp/7878/p2p/12D3Koo...', () => host)
 * const client = createClient({ nodes: [node], signer })
 * ```
 */
export function libp2pTransport(address: string, host: () => Promise<ClientHost>): NodeTransport {
  let ma: Multiaddr | undefined
  const connect = async () => {
    const h = await host()
    try {
      ma ??= h.multiaddr(address)
    } catch (error) {
      throw new ClientError('client.invalid_request', `not a multiaddr: ${address}`, {
        cause: error,
      })
    }
    return { h, ma }
  }
  const unavailable = (error: unknown) =>
    error instanceof ClientError
      ? error
      : new ClientError('client.unavailable', `${address}: ${(error as Error).message}`, {
          node: address,
          cause: error,
        })
  let network: Promise<string> | undefined
  const options = (signal?: AbortSignal) => (signal ? { signal } : {})

  const learnNetwork = async (given?: AbortSignal): Promise<string> => {
    // Bounded even without a caller's signal: the answer is shared by every later call.
    const signal = given ?? AbortSignal.timeout(IDENTIFY_TIMEOUT_MS)
    const { h, ma } = await connect()
    const stream = await h.libp2p.dialProtocol(ma, IDENTIFY_PROTOCOL, options(signal))
    let protocols: string[]
    try {
      // A js-libp2p node sends its whole identify answer in one frame.
      const frame = await h
        .lpStream(stream, { maxDataLength: IDENTIFY_MAX_FRAME })
        .read(options(signal))
      protocols = identifyProtocols(frame.subarray())
    } finally {
      await stream.close(options(signal)).catch((error: unknown) => stream.abort(error as Error))
    }
    for (const p of protocols) {
      const match = PROTOCOL.exec(p)
      if (match?.[1]) return match[1]
    }
    throw new ClientError('client.unavailable', `${address} speaks no Freebird protocol`, {
      node: address,
    })
  }
  const networkOf = (signal?: AbortSignal) => {
    network ??= learnNetwork(signal).catch((error: unknown) => {
      network = undefined
      throw unavailable(error)
    })
    return network
  }
  const open = async (name: string, signal?: AbortSignal) => {
    const protocol = `/freebird/${await networkOf(signal)}/${name}/1.0.0`
    const { h, ma } = await connect()
    const stream: Stream = await h.libp2p.dialProtocol(ma, protocol, options(signal))
    return { stream, lp: h.lpStream(stream, { maxDataLength: MAX_FRAME }) }
  }
  /** One request frame on the ledger protocol, one answer frame back (a map). */
  const ledger = async (
    request: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>> => {
    let answer: unknown
    try {
      const { stream, lp } = await open('ledger', signal)
      await lp.write(encodeCanonical(request), options(signal))
      await stream.close(options(signal))
      answer = decodeCanonical((await lp.read(options(signal))).subarray(), 'answer')
    } catch (error) {
      throw unavailable(error)
    }
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
      throw new ClientError(
        'client.node_lied',
        `${address} answered a ledger request with no map`,
        {
          node: address,
        },
      )
    }
    return answer as Record<string, unknown>
  }
  /** The answer, unless it is an `{ error }`: then `client.unavailable` with the node's code. */
  const ledgerOk = async (request: Record<string, unknown>, signal?: AbortSignal) => {
    const answer = await ledger(request, signal)
    const refusal = refusalOf(answer.error)
    if (refusal) {
      throw new ClientError(
        'client.unavailable',
        `${address} refused: ${refusal.message} (${refusal.code})`,
        {
          node: address,
        },
      )
    }
    return answer
  }
  const page = (p: LedgerPage) => ({
    ...(p.limit !== undefined ? { limit: p.limit } : {}),
    ...(p.before !== undefined ? { before: p.before } : {}),
  })

  return {
    name: address,
    network: networkOf,
    async submit(bytes, signal) {
      try {
        const { stream, lp } = await open('submit', signal)
        await lp.write(bytes, options(signal))
        await stream.close(options(signal))
        const answer = (await lp.read(options(signal))).subarray()
        return submitAnswerOf(address, decodeCanonical(answer, 'answer'))
      } catch (error) {
        throw unavailable(error)
      }
    },
    async query(query, signal) {
      let answer: Uint8Array
      try {
        const { stream, lp } = await open('query', signal)
        await lp.write(encodeCanonical(query), options(signal))
        await stream.close(options(signal))
        answer = (await lp.read(options(signal))).subarray()
      } catch (error) {
        throw unavailable(error)
      }
      return messagesOf(address, answer)
    },
    async genesis(signal) {
      // PROTOCOL.md §14.13 writes `{ "genesis": true }`, but the CBOR subset has no booleans
      // (a node refuses `true` as invalid.encoding); nodes look only at the key.
      return bytesOf(address, (await ledgerOk({ genesis: 1 }, signal)).genesis, 'the genesis')
    },
    async order(bytes, signal) {
      const answer = await ledger({ order: bytes }, signal)
      const refusal = refusalOf(answer.error)
      if (refusal) return { status: 'refused', ...refusal }
      return { status: 'voted', vote: bytesOf(address, answer.vote, 'a vote') }
    },
    async certificate(bytes, signal) {
      const answer = await ledger({ certificate: bytes }, signal)
      const refusal = refusalOf(answer.error)
      if (refusal) return { status: 'refused', ...refusal }
      if (answer.status !== 'stored' && answer.status !== 'duplicate') {
        throw new ClientError(
          'client.node_lied',
          `${address} answered a certificate without a verdict`,
          {
            node: address,
          },
        )
      }
      return { status: answer.status }
    },
    async balance(account, signal) {
      return balanceOf(address, await ledgerOk({ balance: account }, signal))
    },
    async transfers(account, p, signal) {
      const answer = await ledgerOk({ transfers: account, ...page(p) }, signal)
      return certificatesOf(address, answer.certificates)
    },
    async tips(post, p, signal) {
      return certificatesOf(
        address,
        (await ledgerOk({ tips: post, ...page(p) }, signal)).certificates,
      )
    },
    async subscribe(filter, onMessage, signal) {
      let stream: Stream | undefined
      const stop = () => stream?.abort(new Error('unsubscribed'))
      signal.addEventListener('abort', stop, { once: true })
      try {
        const opened = await open('subscribe', signal)
        stream = opened.stream
        // The write side stays open: closing it ends the subscription (§13.5).
        await opened.lp.write(encodeCanonical(filter), { signal })
        for (;;) onMessage((await opened.lp.read({ signal })).subarray())
      } catch (error) {
        if (signal.aborted) return
        throw unavailable(error)
      } finally {
        signal.removeEventListener('abort', stop)
      }
    },
  }
}
