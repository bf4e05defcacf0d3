/**
 * A hostile Freebird peer in its own OS process: a bare libp2p gossipsub host
 * that joins a network's message topic and floods it with messages no honest
 * node would send. Run directly by Node (type stripping), never by vitest:
 *
 *   node test/e2e/hostile-node.ts <networkIdHex> <tcp multiaddr>...
 *
 * It dials every address, subscribes to `/freebird/<networkIdHex>/messages/1`
 * and prints one JSON line `{"event":"ready"}` once every dialed peer is on the
 * topic. It floods when its parent sends `{ flood: true }` over the IPC
 * channel (or at once when started without one), as fast as its peers' streams
 * take the bytes (it waits while more than MAX_BUFFERED bytes are queued
 * towards a peer), or at most FREEBIRD_HOSTILE_RATE messages a second when set.
 * It prints `{"event":"stats",...}` (messages sent by kind, copies delivered
 * to peers, the peers on the topic it is still connected to) every 250 ms,
 * and `{"event":"stopped",...}` with the final counts when it stops: on
 * SIGTERM, SIGINT, or when its parent's IPC channel closes.
 *
 * The kinds, in turn:
 *   random         random bytes (16..615 of them), not CBOR
 *   truncated      a well-formed envelope cut short: broken CBOR
 *   malformed      well-formed CBOR that is no envelope (wrong keys and types)
 *   bad_data       a canonical envelope whose data is not MessageData
 *   bad_signature  a well-formed post for this network with a random signature
 *   other_network  a correctly signed post for another network
 *   oversize       a post padded past MAX_MESSAGE_BYTES (random signature)
 */
import { randomBytes } from 'node:crypto'
import { createNodeSigner } from '@freebird/node-verifier'
import {
  buildPostAdd,
  encodeCanonical,
  encodeEnvelope,
  encodeMessageData,
  MAX_MESSAGE_BYTES,
  type MessageData,
  PROTOCOL_VERSION,
  parseNetworkId,
} from '@freebird/protocol'
import { multiaddr } from '@multiformats/multiaddr'
import { createGossipPeer } from './gossip-peer.ts'

const [networkHex, ...peers] = process.argv.slice(2)
if (!networkHex || peers.length === 0) {
  process.stderr.write('usage: hostile-node.ts <networkIdHex> <tcp multiaddr>...\n')
  process.exit(2)
}
const network = parseNetworkId(networkHex)
const topic = `/freebird/${networkHex}/messages/1`
const RATE = Number(process.env.FREEBIRD_HOSTILE_RATE ?? 0)
/** Bytes queued towards one peer beyond which the flood waits for the stream to drain. */
const MAX_BUFFERED = 1 << 20
const BATCH = 32

const KINDS = [
  'random',
  'truncated',
  'malformed',
  'bad_data',
  'bad_signature',
  'other_network',
  'oversize',
] as const
type Kind = (typeof KINDS)[number]
const sent: Record<Kind, number> = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<
  Kind,
  number
>
let failed = 0
/** Copies sent: a message goes to every peer on the topic. */
let delivered = 0
let bytes = 0
let floodStarted = 0
let floodEnded = 0

const signer = createNodeSigner(randomBytes(32))
const otherNetwork = randomBytes(16)
let seq = 0
const text = () => `hostile ${process.pid} ${seq++} ${randomBytes(6).toString('hex')}`

function postData(net: Uint8Array): Uint8Array {
  const data = {
    version: PROTOCOL_VERSION,
    network: net,
    type: 'post.add',
    author: signer.publicKey,
    timestamp: Date.now(),
    body: { text: text() },
  } as MessageData
  return encodeMessageData(data)
}

function make(kind: Kind): Uint8Array {
  switch (kind) {
    case 'random':
      return randomBytes(16 + Math.floor(Math.random() * 600))
    case 'truncated': {
      const whole = encodeEnvelope({
        data: postData(network),
        signer: signer.publicKey,
        signature: randomBytes(64),
      })
      // Cut past the (unique) text, so no two are the same bytes.
      return whole.subarray(0, whole.length - 1 - Math.floor(Math.random() * 100))
    }
    case 'malformed':
      return encodeCanonical({
        data: text(),
        signer: randomBytes(7),
        extra: [1, 2, { nested: randomBytes(4) }],
      })
    case 'bad_data':
      return encodeEnvelope({
        data: encodeCanonical({ version: PROTOCOL_VERSION, junk: text() }),
        signer: signer.publicKey,
        signature: randomBytes(64),
      })
    case 'bad_signature':
      return encodeEnvelope({
        data: postData(network),
        signer: signer.publicKey,
        signature: randomBytes(64),
      })
    case 'other_network':
      return buildPostAdd({ text: text() }, { network: otherNetwork, signer }).bytes
    case 'oversize': {
      // Well-formed, but its text alone is past the envelope limit.
      const data = {
        version: PROTOCOL_VERSION,
        network,
        type: 'post.add',
        author: signer.publicKey,
        timestamp: Date.now(),
        body: { text: `${text()} ${'x'.repeat(MAX_MESSAGE_BYTES)}` },
      } as MessageData
      return encodeEnvelope({
        data: encodeMessageData(data),
        signer: signer.publicKey,
        signature: randomBytes(64),
      })
    }
  }
}

// The hostile peer keeps no copies to gossip about: it only floods.
const host = await createGossipPeer({ mcacheLength: 1, mcacheGossip: 1 })
const pubsub = host.services.pubsub
/** The outbound gossipsub streams (not in the exported interface), to see what is still queued. */
const outbound = (
  pubsub as unknown as {
    streamsOutbound: Map<string, { rawStream: { writeBufferLength: number } }>
  }
).streamsOutbound
const queued = () => {
  let most = 0
  for (const s of outbound.values()) most = Math.max(most, s.rawStream.writeBufferLength)
  return most
}
/** Peers on the topic that we are connected to. */
const topicPeers = () => {
  const connected = new Set(host.getConnections().map((c) => c.remotePeer.toString()))
  return pubsub
    .getSubscribers(topic)
    .map((p) => p.toString())
    .filter((p) => connected.has(p))
}

let stopping = false
const emit = (event: string) => {
  const total = KINDS.reduce((n, k) => n + sent[k], 0)
  const ms = (floodEnded || Date.now()) - floodStarted
  process.stdout.write(
    `${JSON.stringify({
      event,
      sent,
      total,
      delivered,
      failed,
      bytes,
      floodMs: floodStarted ? ms : 0,
      rate: floodStarted && ms > 0 ? Math.round((total * 1000) / ms) : 0,
      peers: topicPeers(),
      cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
    })}\n`,
  )
}

async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  if (floodStarted) floodEnded = Date.now()
  emit('stopped')
  setTimeout(() => process.exit(0), 3_000).unref()
  try {
    await host.stop()
  } catch {}
  process.exit(0)
}
process.once('SIGTERM', () => void stop())
process.once('SIGINT', () => void stop())
// The parent's lifeline: when its IPC channel closes (even if it was SIGKILLed), stop.
process.once('disconnect', () => void stop())

async function flood(): Promise<void> {
  if (floodStarted) return
  floodStarted = Date.now()
  setInterval(() => emit('stats'), 250).unref()
  let i = 0
  while (!stopping) {
    for (let b = 0; b < BATCH && !stopping; b++) {
      const kind = KINDS[i++ % KINDS.length] as Kind
      const data = make(kind)
      try {
        const { recipients } = await pubsub.publish(topic, data)
        sent[kind]++
        delivered += recipients.length
        bytes += data.length
      } catch {
        failed++
      }
    }
    if (RATE > 0) {
      const wait = floodStarted + (i * 1000) / RATE - Date.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    }
    // Back pressure: a peer reads everything we send, graylisted or not; do not outrun it.
    while (!stopping && queued() > MAX_BUFFERED) await new Promise((r) => setTimeout(r, 2))
    await new Promise((r) => setImmediate(r))
  }
}

if (process.send) {
  process.on('message', (m: { flood?: boolean }) => {
    if (m?.flood) void flood()
  })
}
pubsub.subscribe(topic)
await Promise.all(peers.map((p) => host.dial(multiaddr(p))))
const dialed = host.getConnections().map((c) => c.remotePeer.toString())
const end = Date.now() + 20_000
while (!dialed.every((p) => topicPeers().includes(p))) {
  if (Date.now() > end) throw new Error('not every dialed peer joined the topic in 20 s')
  await new Promise((r) => setTimeout(r, 25))
}
process.stdout.write(
  `${JSON.stringify({ event: 'ready', peerId: host.peerId.toString(), peers: dialed })}\n`,
)
if (!process.send) void flood()
