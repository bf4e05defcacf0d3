import { EventEmitter } from 'node:events'
import { mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createNodeVerifier, ed25519Backend } from '@freebird/node-verifier'
import { formatAccount, type Message } from '@freebird/protocol'
import { CliError } from './cli-error.ts'
import type { NodeConfig } from './config.ts'
import { type LoadedGenesis, loadGenesis } from './genesis.ts'
import { createHttpServer } from './http/server.ts'
import { loadOrCreatePeerKey } from './identity.ts'
import { Ledger } from './ledger/ledger.ts'
import { loadValidator } from './ledger/validator-key.ts'
import type { Logger } from './logger.ts'
import { createMetrics } from './metrics.ts'
import { CertificateGossip } from './p2p/certificate-gossip.ts'
import { Gossip } from './p2p/gossip.ts'
import { createHost } from './p2p/host.ts'
import { LedgerProtocol } from './p2p/ledger-protocol.ts'
import { certificateTopicOf, ledgerSyncProtocols, syncProtocol, topicOf } from './p2p/names.ts'
import { DenyList, PeerKeeper } from './p2p/peer-keeper.ts'
import { LightClientProtocols } from './p2p/protocols.ts'
import { Ingest } from './pipeline/ingest.ts'
import { VerifyPool } from './pipeline/verify-pool.ts'
import { MessageStore } from './store/message-store.ts'
import { SyncService } from './sync/service.ts'

export interface FreebirdNode {
  readonly genesis: LoadedGenesis
  readonly peerId: string
  multiaddrs(): string[]
  /** Base URL of the HTTP API, once started (undefined when disabled). */
  httpUrl(): string | undefined
  readonly store: MessageStore
  readonly ingest: Ingest
  readonly events: EventEmitter<{ stored: [Message] }>
  readonly sync: SyncService
  readonly ledger: Ledger
  readonly ledgerSync: SyncService
  start(): Promise<void>
  stop(): Promise<void>
}

function directorySize(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    total += entry.isDirectory() ? directorySize(path) : statSync(path).size
  }
  return total
}

/**
 * Wires the node's components, each with explicit dependencies and a
 * start/stop lifecycle: store, verify pool, ingest pipeline, libp2p host,
 * gossip, light-client protocols, HTTP API.
 */
export async function createNode(config: NodeConfig, log: Logger): Promise<FreebirdNode> {
  const genesis = loadGenesis(config.genesis)
  const network = genesis.networkIdText
  mkdirSync(config.data, { recursive: true })
  const dbPath = join(config.data, 'db')
  const validator = loadValidator(config.validatorKey, config.data, genesis.ledger)
  const metrics = createMetrics()
  const store = await MessageStore.open(dbPath, genesis.networkId)
  const ledger = await Ledger.open(join(config.data, 'ledger'), {
    params: genesis.ledger,
    ...(validator ? { validator, locksPath: join(config.data, 'validator-locks') } : {}),
    verify: createNodeVerifier(),
    log,
    onVote: (outcome) => metrics.ledgerVotes.inc({ outcome }),
    onResult: (result, source) => {
      if (result.status === 'stored') metrics.certificatesApplied.inc({ source })
      else
        metrics.certificatesRefused.inc({
          outcome: result.status,
          code: 'code' in result ? result.code : 'duplicate',
          source,
        })
    },
  })
  const events = new EventEmitter<{ stored: [Message] }>()
  events.setMaxListeners(10_000)
  const pool = new VerifyPool({ threads: config.verifyThreads })
  const topic = topicOf(network)
  const certificateTopic = certificateTopicOf(network)
  const deny = new DenyList()
  let libp2p: Awaited<ReturnType<typeof createHost>>
  try {
    libp2p = await createHost({
      privateKey: await loadOrCreatePeerKey(config.data),
      listen: config.listen,
      bootstrap: config.bootstrap,
      topic,
      certificateTopic,
      registry: metrics.registry,
      connectionGater: deny.gater(),
    })
  } catch (error) {
    // A bad --listen or --bootstrap: release what exists, report a one-line error.
    await pool.close()
    await store.close()
    await ledger.close()
    const message = error instanceof Error ? error.message : String(error)
    throw new CliError('config.invalid', `cannot set up libp2p: ${message}`)
  }
  let gossip: Gossip | undefined
  const ingest = new Ingest({
    store,
    network: genesis.networkId,
    verify: (m) => pool.verify(m),
    onStored: (m, source) => {
      metrics.messagesStored.inc({ type: m.data.type, source })
      events.emit('stored', m)
      // Gossip carries new messages; what came by gossip or by sync, peers have or will sync.
      if (source !== 'gossip' && source !== 'sync') void gossip?.publish(m)
    },
    onResult: (result, source) => {
      if (result.status !== 'stored') {
        metrics.messagesRefused.inc({
          outcome: result.status,
          code: 'code' in result ? result.code : 'duplicate',
          source,
        })
      }
    },
  })
  gossip = new Gossip({ pubsub: libp2p.services.pubsub, topic, ingest, metrics, log })
  const certificateGossip = new CertificateGossip({
    pubsub: libp2p.services.pubsub,
    topic: certificateTopic,
    ledger,
    metrics,
    log,
  })
  ledger.events.on('applied', (certificate, source) => {
    if (source !== 'gossip' && source !== 'sync') certificateGossip.publish(certificate)
  })
  const ledgerProtocolHandler = new LedgerProtocol({
    libp2p,
    network,
    ledger,
    genesis: genesis.bytes,
    log,
  })
  const ledgerSync = new SyncService({
    libp2p,
    network,
    protocols: ledgerSyncProtocols(network),
    store: ledger,
    ingest: ledger,
    metrics,
    log,
    interval: config.syncInterval,
  })
  const protocols = new LightClientProtocols({ libp2p, network, store, ingest, events, log })
  const sync = new SyncService({
    libp2p,
    network,
    store,
    ingest,
    metrics,
    log,
    interval: config.syncInterval,
  })
  const keeper = new PeerKeeper({
    libp2p,
    deny,
    bootstrap: config.bootstrap,
    protocol: syncProtocol(network),
    log,
  })
  let ready = false
  const http =
    config.http === 'off'
      ? undefined
      : createHttpServer({
          store,
          ingest,
          genesis,
          ledger,
          metrics,
          events,
          ready: () => ready,
          info: () => ({
            peerId: libp2p.peerId.toString(),
            multiaddrs: libp2p.getMultiaddrs().map(String),
            peers: libp2p.getPeers().length,
            gossipPeers: libp2p.services.pubsub.getSubscribers(topic).length,
            meshPeers: libp2p.services.pubsub.getMeshPeers(topic).length,
          }),
          sync,
          deny: {
            list: () => deny.list(),
            set: (peers) => keeper.deny(peers),
          },
        })
  let httpUrl: string | undefined
  let sampler: NodeJS.Timeout | undefined

  return {
    genesis,
    peerId: libp2p.peerId.toString(),
    multiaddrs: () => libp2p.getMultiaddrs().map(String),
    httpUrl: () => httpUrl,
    store,
    ingest,
    events,
    sync,
    ledger,
    ledgerSync,
    async start() {
      // Handlers first: a peer that connects at once finds every protocol.
      await protocols.start()
      await ledgerProtocolHandler.start()
      await sync.start()
      await ledgerSync.start()
      await libp2p.start()
      gossip?.start()
      certificateGossip.start()
      keeper.start()
      if (http) {
        const [host, port] = splitHostPort(config.http)
        await http.listen({ host, port })
        const address = http.server.address()
        if (address && typeof address === 'object') {
          httpUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
        }
      }
      const sample = () => {
        metrics.peers.set(libp2p.getPeers().length)
        try {
          metrics.dbBytes.set(directorySize(dbPath))
        } catch {}
      }
      sample()
      sampler = setInterval(sample, 10_000)
      sampler.unref()
      ready = true
      log.info(
        {
          peerId: libp2p.peerId.toString(),
          network,
          networkName: genesis.genesis.network,
          multiaddrs: libp2p.getMultiaddrs().map(String),
          http: httpUrl,
          messages: store.messageCount,
          validator: validator ? formatAccount(validator.publicKey) : undefined,
          ed25519: ed25519Backend(),
        },
        'node started',
      )
    },
    async stop() {
      ready = false
      if (sampler) clearInterval(sampler)
      await http?.close()
      keeper.stop()
      await sync.stop()
      await ledgerSync.stop()
      await protocols.stop().catch(() => {})
      await ledgerProtocolHandler.stop()
      gossip?.stop()
      certificateGossip.stop()
      ingest.close()
      await libp2p.stop()
      await pool.close()
      await store.close()
      await ledger.close()
      log.info('node stopped')
    },
  }
}

function splitHostPort(text: string): [string, number] {
  const at = text.lastIndexOf(':')
  const host = text.slice(0, at).replace(/^\[|\]$/g, '')
  const port = Number(text.slice(at + 1))
  if (at < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError('config.invalid', `--http must be HOST:PORT, got "${text}"`)
  }
  return [host, port]
}
