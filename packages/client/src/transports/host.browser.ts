import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { lpStream } from '@libp2p/utils'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { ClientHost } from './libp2p.ts'

/**
 * The libp2p host of a client in a browser: WebSockets only (no Node
 * module), noise, yamux, identify. The app named its nodes, so plain `ws`
 * and local addresses may be dialed (libp2p's browser default refuses both).
 * index.browser.ts imports this module dynamically, on first use.
 */
export async function createBrowserHost(): Promise<ClientHost> {
  const libp2p = await createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    // Identify runs once, when a transport asks which network a node is on.
    services: { identify: identify({ runOnConnectionOpen: false }) },
  })
  return { libp2p, multiaddr, lpStream }
}
