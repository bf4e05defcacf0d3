import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { lpStream } from '@libp2p/utils'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { ClientHost } from './libp2p.ts'

/**
 * The libp2p host of a client in a browser: WebSockets only (no Node
 * module), noise, yamux. The app named its nodes, so plain `ws` and local
 * addresses may be dialed (libp2p's browser default refuses both). No
 * identify service: the transport reads a node's identify answer itself,
 * which keeps @libp2p/identify out of the bundle; a node that cannot
 * identify a client just goes without (it learns nothing it needs).
 * index.browser.ts imports this module dynamically, on first use.
 */
export async function createBrowserHost(): Promise<ClientHost> {
  const libp2p = await createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
  })
  return { libp2p, multiaddr, lpStream }
}
