import type { ClientHost } from './libp2p.ts'

/**
 * The libp2p host of a client in a browser: WebSockets only (no Node
 * module), noise, yamux, identify. The app named its nodes, so plain `ws`
 * and local addresses may be dialed (libp2p's browser default refuses both).
 */
export async function createBrowserHost(): Promise<ClientHost> {
  const [
    { createLibp2p },
    { webSockets },
    { noise },
    { yamux },
    { identify },
    { lpStream },
    { multiaddr },
  ] = await Promise.all([
    import('libp2p'),
    import('@libp2p/websockets'),
    import('@chainsafe/libp2p-noise'),
    import('@chainsafe/libp2p-yamux'),
    import('@libp2p/identify'),
    import('@libp2p/utils'),
    import('@multiformats/multiaddr'),
  ])
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
