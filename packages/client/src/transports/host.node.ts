import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { ClientHost } from './libp2p.ts'

/**
 * The libp2p host of a client in Node: TCP and WebSockets, noise, yamux,
 * identify. index.ts imports this module dynamically, on first use, so a
 * client of HTTP nodes never loads libp2p.
 */
export async function createNodeHost(): Promise<ClientHost> {
  const libp2p = await createLibp2p({
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // Only answers a node's identify, as a libp2p peer does (the transport reads
    // the node's answer itself); bytes do not count here, unlike in a browser.
    services: { identify: identify({ runOnConnectionOpen: false }) },
  })
  return { libp2p, multiaddr, lpStream }
}
