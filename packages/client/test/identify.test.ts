import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodeHost } from '../src/transports/host.node.ts'
import { identifyProtocols } from '../src/transports/identify.ts'
import { libp2pTransport } from '../src/transports/libp2p.ts'
import { errorOf, NETWORK } from './fake-node.ts'

const utf8 = (s: string) => new TextEncoder().encode(s)
/** A protobuf field: its key (field number, wire type), then the payload as given. */
const field = (n: number, wireType: number, ...payload: number[]) => [
  (n << 3) | wireType,
  ...payload,
]
const bytesField = (n: number, value: Uint8Array) => [(n << 3) | 2, value.length, ...value]

describe('identifyProtocols (the protobuf Identify message)', () => {
  it('reads every protocol and skips the other fields, whatever their wire type', () => {
    const message = Uint8Array.from([
      ...bytesField(5, utf8('ipfs/0.1.0')), // protocolVersion
      ...bytesField(1, new Uint8Array(36).fill(7)), // publicKey
      ...bytesField(3, utf8('/ipfs/id/1.0.0')),
      ...field(9, 0, 0x96, 0x01), // an unknown varint field (150)
      ...field(10, 1, 1, 2, 3, 4, 5, 6, 7, 8), // unknown fixed64
      ...field(11, 5, 1, 2, 3, 4), // unknown fixed32
      ...bytesField(3, utf8(`/freebird/${NETWORK}/query/1.0.0`)),
      ...bytesField(2, new Uint8Array([4, 127, 0, 0, 1])), // a listen address
    ])
    expect(identifyProtocols(message)).toEqual([
      '/ipfs/id/1.0.0',
      `/freebird/${NETWORK}/query/1.0.0`,
    ])
  })

  it('reads an empty message as no protocols', () => {
    expect(identifyProtocols(new Uint8Array())).toEqual([])
  })

  it.each([
    ['a field longer than the message', [...bytesField(3, utf8('/a/b')).slice(0, 4)]],
    ['a truncated varint', [...field(9, 0, 0x96)]],
    ['a truncated fixed64', [...field(10, 1, 1, 2, 3)]],
    ['a varint longer than 10 bytes', [...field(9, 0, ...new Array<number>(11).fill(0x80), 1)]],
    ['an unknown wire type', [...field(3, 3)]],
  ])('throws on %s', (_, bytes) => {
    expect(() => identifyProtocols(Uint8Array.from(bytes))).toThrow(/identify/)
  })
})

// The transport against a real libp2p peer: its identify service writes the answer.
describe('libp2pTransport learns the network from a node identify answer', () => {
  let node: Libp2p
  let address: string
  beforeAll(async () => {
    node = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() },
    })
    await node.handle(`/freebird/${NETWORK}/query/1.0.0`, (stream) =>
      stream.abort(new Error('unused')),
    )
    address = (node.getMultiaddrs()[0] as { toString(): string }).toString()
  })
  afterAll(() => node?.stop())

  it('finds the Freebird protocol among those the node announces', async () => {
    const host = createNodeHost()
    try {
      expect(await libp2pTransport(address, () => host).network()).toBe(NETWORK)
    } finally {
      await (await host).libp2p.stop()
    }
  })

  it('is unavailable when the node speaks no Freebird protocol', async () => {
    await node.unhandle(`/freebird/${NETWORK}/query/1.0.0`)
    const host = createNodeHost()
    try {
      const error = await errorOf(libp2pTransport(address, () => host).network())
      expect(error.code).toBe('client.unavailable')
      expect(error.message).toMatch(/speaks no Freebird protocol/)
    } finally {
      await (await host).libp2p.stop()
    }
  })
})
