import type { ClientHost } from './libp2p.ts'

/**
 * The libp2p host of a client in Node: TCP and WebSockets, noise, yamux,
 * identify. Loaded on first use, so a client of HTTP nodes never loads libp2p.
 */
export async function createNodeHost(): Promise<ClientHost> {
  const [
    { createLibp2p },
    { tcp },
    { webSockets },
    { noise },
    { yamux },
    { identify },
    { lpStream },
    { multiaddr },
  ] = await Promise.all([
    import('libp2p'),
    import('@libp2p/tcp'),
    import('@libp2p/websockets'),
    import('@chainsafe/libp2p-noise'),
    import('@chainsafe/libp2p-yamux'),
    import('@libp2p/identify'),
    import('@libp2p/utils'),
    import('@multiformats/multiaddr'),
  ])
  const libp2p = await createLibp2p({
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // Identify runs once, when a transport asks which network a node is on.
    services: { identify: identify({ runOnConnectionOpen: false }) },
  })
  return { libp2p, multiaddr, lpStream }
}
