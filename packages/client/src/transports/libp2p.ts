import { decodeCanonical, encodeCanonical } from '@freebird/protocol'
import type { Identify } from '@libp2p/identify'
import type { Libp2p, Stream } from '@libp2p/interface'
import type { lpStream } from '@libp2p/utils'
import type { Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { ClientError } from '../errors.ts'
import { messagesOf, submitAnswerOf } from './http.ts'
import type { NodeTransport } from './types.ts'

/**
 * The client's own libp2p host (dials only, never listens) with the two
 * helpers the transport needs. They come together from one dynamic import,
 * so a page that only talks HTTP loads none of libp2p.
 */
export interface ClientHost {
  libp2p: Libp2p<{ identify: Identify }>
  multiaddr: typeof multiaddr
  lpStream: typeof lpStream
}

/** Largest answer frame (PROTOCOL.md §13.4). */
const MAX_FRAME = 4 * 1024 * 1024
const PROTOCOL = /^\/freebird\/([0-9a-f]{32})\/query\/1\.0\.0$/

/**
 * A node reached over libp2p (TCP in Node, WebSockets in browsers) as a
 * transport, speaking the light-client protocols of PROTOCOL.md §13.3–13.5.
 * The network comes from the protocols the node announces (identify). All
 * transports of one client share `host`. `createClient` makes one for
 * each multiaddr it is given; build one yourself to bring your own host.
 *
 * @example
 * ```ts
 * const host = createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()],
 *   streamMuxers: [yamux()], services: { identify: identify({ runOnConnectionOpen: false }) } })
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

  const learnNetwork = async (signal?: AbortSignal): Promise<string> => {
    const { h, ma } = await connect()
    const connection = await h.libp2p.dial(ma, signal ? { signal } : {})
    const { protocols } = await h.libp2p.services.identify.identify(
      connection,
      signal ? { signal } : {},
    )
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
    const stream: Stream = await h.libp2p.dialProtocol(ma, protocol, signal ? { signal } : {})
    return { stream, lp: h.lpStream(stream, { maxDataLength: MAX_FRAME }) }
  }
  const options = (signal?: AbortSignal) => (signal ? { signal } : {})

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
