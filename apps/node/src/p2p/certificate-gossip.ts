import { createHash } from 'node:crypto'
import { LedgerError, MAX_CERTIFICATE_BATCH, MAX_CERTIFICATE_BATCH_BYTES } from '@freebird/protocol'
import {
  type Certificate,
  decodeCertificateBatch,
  encodeCertificateBatch,
} from '@freebird/protocol/ledger'
import type { GossipsubMessage } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import type { IngestResult } from '../pipeline/ingest.ts'
import { type FreebirdPubsub, verdictOf } from './gossip.ts'

const DUPLICATE = { outcome: 'duplicate', code: 'duplicate', source: 'gossip' } as const

export interface CertificateGossipDeps {
  pubsub: FreebirdPubsub
  topic: string
  ledger: { submit(bytes: Uint8Array, source: 'gossip'): Promise<IngestResult> }
  metrics: Metrics
  log: Logger
  /** How long a certificate waits for others to share its gossip message: this to twice this (random). Default 10 ms. */
  windowMs?: number
}

const BATCH_TAG = Buffer.from('freebird/certificate-batch/v1')
/** A certificate batch's gossip id: a hash of its exact bytes (the ledger dedups by order id). */
export const certificateGossipId = (data: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(BATCH_TAG).update(data).digest())

/** A certificate's bytes, hashed: how gossip tells the copies it has seen (SHA-256, base64). */
const digestOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64')

/** How many certificate digests are remembered (the oldest go first). */
const MAX_KNOWN = 65_536

/** Room a certificate takes in a batch: its bytes and its CBOR head (at most 5 bytes). */
const cost = (certificate: Uint8Array) => certificate.length + 5

/**
 * Certificate gossip in batches (PROTOCOL.md §14.13). Certificates this node
 * applied from clients wait a short window and go out together in one gossip
 * message; on a busy validator that is one message for dozens of
 * certificates, where one each cost every peer a frame to decrypt, parse and
 * dedup. A certificate that arrives meanwhile in a peer's batch this node
 * does not refuse leaves the queue: the peer's message carries it (a client
 * pushes to every validator, so all of them hold it at once; the window is
 * random so that one goes first).
 * A received batch is applied certificate by certificate (exact copies of
 * certificates held here are told by a hash of their bytes, unparsed); its
 * verdict: Reject if it is malformed or any certificate in it is invalid,
 * Accept (forward) if any was new here, Ignore otherwise.
 */
export class CertificateGossip {
  readonly #d: CertificateGossipDeps
  readonly #windowMs: number
  /** Digest -> certificate bytes, in arrival order. */
  #queue = new Map<string, Uint8Array>()
  /** Digests of certificate bytes applied here or answered as duplicates: a copy is a duplicate, unparsed. */
  readonly #known = new Set<string>()
  #stopped = false
  /** The batch's encoded size so far: its list head (at most 3 bytes) and the items. */
  #queuedBytes = 3
  #timer: NodeJS.Timeout | undefined

  constructor(deps: CertificateGossipDeps) {
    this.#d = deps
    this.#windowMs = deps.windowMs ?? 10
  }

  start(): void {
    this.#d.pubsub.addEventListener('gossipsub:message', this.#onMessage)
    this.#d.pubsub.subscribe(this.#d.topic)
  }

  /** Drops what is still queued: peers get it by sync. */
  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#queue.clear()
    this.#d.pubsub.removeEventListener('gossipsub:message', this.#onMessage)
    this.#d.pubsub.unsubscribe(this.#d.topic)
  }

  /** Queues a certificate this node applied from a client (gossip's own input is forwarded by gossipsub). */
  publish(certificate: Certificate): void {
    if (this.#stopped) return
    const bytes = certificate.bytes
    if (
      this.#queue.size >= MAX_CERTIFICATE_BATCH ||
      this.#queuedBytes + cost(bytes) > MAX_CERTIFICATE_BATCH_BYTES
    )
      this.#flush()
    const digest = digestOf(bytes)
    this.#remember(digest)
    this.#queue.set(digest, bytes)
    this.#queuedBytes += cost(bytes)
    this.#timer ??= setTimeout(() => this.#flush(), this.#windowMs * (1 + Math.random()))
  }

  /** A peer's batch carried it: it need not go out from here too. */
  #published(digest: string): void {
    const bytes = this.#queue.get(digest)
    if (!bytes) return
    this.#queue.delete(digest)
    this.#queuedBytes -= cost(bytes)
  }

  #remember(digest: string): void {
    this.#known.add(digest)
    if (this.#known.size > MAX_KNOWN)
      this.#known.delete(this.#known.values().next().value as string)
  }

  #flush(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const batch = [...this.#queue.values()]
    this.#queue.clear()
    this.#queuedBytes = 3
    // With nobody on the topic there is no one to tell (sync catches peers up
    // later), and publishing would only fill gossipsub's caches.
    if (batch.length === 0 || this.#d.pubsub.getSubscribers(this.#d.topic).length === 0) return
    this.#d.pubsub.publish(this.#d.topic, encodeCertificateBatch(batch)).then(
      () => this.#d.metrics.gossipOut.inc(),
      // No peers yet is normal for a lone node; sync catches them up later.
      (error: unknown) => this.#d.log.debug({ err: error }, 'certificate gossip publish failed'),
    )
  }

  readonly #onMessage = (event: CustomEvent<GossipsubMessage>) => {
    const { msgId, propagationSource, msg } = event.detail
    if (msg.topic !== this.#d.topic) return
    const peer = propagationSource.toString()
    this.#receive(msg.data).then(
      (verdict) => this.#report(msgId, peer, verdict),
      (error: unknown) => {
        this.#d.log.error({ err: error }, 'certificate gossip failed')
        this.#report(msgId, peer, TopicValidatorResult.Ignore)
      },
    )
  }

  async #receive(data: Uint8Array): Promise<TopicValidatorResult> {
    let certificates: Uint8Array[]
    try {
      certificates = decodeCertificateBatch(data)
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error
      this.#d.metrics.certificatesRefused.inc({
        outcome: 'rejected',
        code: error.code,
        source: 'gossip',
      })
      return TopicValidatorResult.Reject
    }
    // Each certificate stands on its own: the valid ones apply even beside an invalid one.
    const digests = certificates.map(digestOf)
    const verdicts = await Promise.all(
      certificates.map((c, i) => {
        const digest = digests[i] as string
        // These exact bytes were applied or answered as a duplicate here: a duplicate, unparsed.
        if (this.#known.has(digest)) {
          this.#d.metrics.certificatesRefused.inc(DUPLICATE)
          return TopicValidatorResult.Ignore
        }
        return this.#d.ledger.submit(c, 'gossip').then((r) => {
          if (r.status === 'stored' || r.status === 'duplicate') this.#remember(digest)
          return verdictOf(r)
        })
      }),
    )
    if (verdicts.includes(TopicValidatorResult.Reject)) return TopicValidatorResult.Reject
    // Only a batch that is not refused covers what this node has queued (a
    // hostile peer cannot empty the queue with copies beside a forgery).
    for (const digest of digests) this.#published(digest)
    return verdicts.includes(TopicValidatorResult.Accept)
      ? TopicValidatorResult.Accept
      : TopicValidatorResult.Ignore
  }

  #report(msgId: string, peer: string, verdict: TopicValidatorResult): void {
    this.#d.metrics.gossipIn.inc({ verdict })
    this.#d.pubsub.reportMessageValidationResult(msgId, peer, verdict)
  }
}
