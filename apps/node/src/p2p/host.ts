import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bootstrap } from '@libp2p/bootstrap'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { ConnectionGater, PrivateKey } from '@libp2p/interface'
import { ping } from '@libp2p/ping'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import type { Registry } from 'prom-client'
import { certificateGossipId } from './certificate-gossip.ts'
import type { FreebirdPubsub } from './gossip.ts'
import { gossipMessageId } from './gossip.ts'

export interface HostOptions {
  privateKey: PrivateKey
  listen: string[]
  bootstrap: string[]
  /** Gossip topic of messages. */
  topic: string
  /** Gossip topic of ledger certificates. */
  certificateTopic: string
  registry: Registry
  connectionGater?: ConnectionGater
}

/**
 * Peer scoring: an invalid message costs its sender P4 = weight * count^2
 * (count decays by 10% a second). Three invalid messages in a burst put a peer
 * below the graylist threshold: gossipsub then drops everything it sends while
 * honest peers carry on. Mesh-delivery penalties stay off: a quiet network is
 * not a misbehaving one. IP colocation is off: a devnet runs on one address.
 */
function scoring(topics: string[]) {
  const params = {
    topicWeight: 1,
    timeInMeshWeight: 0.01,
    timeInMeshQuantum: 1000,
    timeInMeshCap: 100,
    firstMessageDeliveriesWeight: 0.5,
    firstMessageDeliveriesDecay: 0.9,
    firstMessageDeliveriesCap: 20,
    meshMessageDeliveriesWeight: 0,
    meshMessageDeliveriesDecay: 0.9,
    meshMessageDeliveriesCap: 10,
    meshMessageDeliveriesThreshold: 1,
    meshMessageDeliveriesWindow: 10,
    meshMessageDeliveriesActivation: 5000,
    meshFailurePenaltyWeight: 0,
    meshFailurePenaltyDecay: 0.9,
    invalidMessageDeliveriesWeight: -10,
    invalidMessageDeliveriesDecay: 0.9,
  }
  return {
    scoreParams: {
      IPColocationFactorWeight: 0,
      topicScoreCap: 100,
      // Reconnecting does not wash a bad score away.
      retainScore: 3_600_000,
      appSpecificScore: () => 0,
      topics: Object.fromEntries(topics.map((t) => [t, params])),
    },
    scoreThresholds: {
      gossipThreshold: -10,
      publishThreshold: -50,
      graylistThreshold: -80,
      acceptPXThreshold: 10,
      opportunisticGraftThreshold: 2,
    },
  }
}

/** The node's libp2p host: TCP + WebSockets, noise, yamux, identify, ping, bootstrap, gossipsub. */
export async function createHost(o: HostOptions) {
  return createLibp2p({
    start: false,
    privateKey: o.privateKey,
    addresses: { listen: o.listen },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: o.bootstrap.length > 0 ? [bootstrap({ list: o.bootstrap, timeout: 100 })] : [],
    // Light clients connect too, many from one address behind a NAT: libp2p's
    // default of 5 new inbound connections a second per address would reset them.
    connectionManager: { maxConnections: 300, inboundConnectionThreshold: 100 },
    ...(o.connectionGater ? { connectionGater: o.connectionGater } : {}),
    metrics: prometheusMetrics({
      registry: o.registry,
      collectDefaultMetrics: false,
      preserveExistingMetrics: true,
    }),
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        // Every Freebird message is signed by its author: gossipsub's own signature would double the cost.
        globalSignaturePolicy: 'StrictNoSign',
        msgIdFn: (msg) =>
          msg.topic === o.certificateTopic
            ? certificateGossipId(msg.data)
            : gossipMessageId(msg.data),
        asyncValidation: true,
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        // Ids of seen messages are kept this long to drop duplicates (the store
        // dedups too). The default 2 minutes holds ~1 GiB at a few thousand msg/s.
        seenTTL: 30_000,
        ...scoring([o.topic, o.certificateTopic]),
      }) as unknown as () => FreebirdPubsub,
    },
  })
}

export type Host = Awaited<ReturnType<typeof createHost>>
