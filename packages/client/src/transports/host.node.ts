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
    // Identify runs once, when a transport asks which network a node is on.
    services: { identify: identify({ runOnConnectionOpen: false }) },
  })
  return { libp2p, multiaddr, lpStream }
}
