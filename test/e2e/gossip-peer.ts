import { createHash } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipsubOpts, gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'

/**
 * A bare libp2p host that speaks gossipsub like a Freebird node (no gossipsub
 * signatures) but validates nothing: what hostile-peer tests publish from.
 */
export function createGossipPeer(options: Partial<GossipsubOpts> = {}) {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictNoSign',
        msgIdFn: (m) => new Uint8Array(createHash('sha256').update(m.data).digest()),
        allowPublishToZeroTopicPeers: true,
        ...options,
      }),
    },
  })
}
