import { createHash } from 'node:crypto'
import { decodeEnvelope } from '@freebird/protocol'
import type { GossipSub, GossipsubMessage } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import { blamesSender, type IngestResult } from '../pipeline/ingest.ts'

/**
 * Gossip message id = the Freebird message id (SHA-256 over the id tag, the
 * signer and the data), so gossipsub's duplicate suppression matches ours.
 * Bytes that are not an envelope get a hash of themselves: they will be
 * rejected, and need an id only for that.
 */
const TAG = Buffer.from('freebird/message/v1')
export function gossipMessageId(data: Uint8Array): Uint8Array {
  const h = createHash('sha256')
  try {
    const envelope = decodeEnvelope(data)
    h.update(TAG).update(envelope.signer).update(envelope.data)
  } catch {
    h.update('freebird/invalid/v1').update(data)
  }
  return new Uint8Array(h.digest())
}

/**
 * Accept forwards; Ignore drops quietly (duplicates, not valid yet); Reject
 * penalizes the sender. A message refused only by the author's signer set
 * (a removed delegated key) is ignored: an honest peer that has not yet seen
 * the signer.remove forwards it, and must not be graylisted for that.
 */
export function verdictOf(result: IngestResult): TopicValidatorResult {
  switch (result.status) {
    case 'stored':
      return TopicValidatorResult.Accept
    case 'rejected':
      return blamesSender(result) ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore
    default:
      return TopicValidatorResult.Ignore
  }
}

/**
 * What the node uses of gossipsub: the exported interface leaves out the
 * validation report, the peer score and the mesh, which the implementation has.
 */
export type FreebirdPubsub = GossipSub & {
  reportMessageValidationResult(
    msgId: string,
    propagationSource: string,
    acceptance: TopicValidatorResult,
  ): void
  score: { score(peerId: string): number }
  getMeshPeers(topic: string): string[]
}

export interface GossipDeps {
  pubsub: FreebirdPubsub
  topic: string
  /** Where the topic's messages go: the ingest pipeline. */
  ingest: { submit(bytes: Uint8Array, source: 'gossip'): Promise<IngestResult> }
  metrics: Metrics
  log: Logger
}

/** Feeds the topic into the ingest pipeline and reports each verdict back to gossipsub. */
export class Gossip {
  readonly #d: GossipDeps
  readonly #onMessage = (event: CustomEvent<GossipsubMessage>) => {
    const { msgId, propagationSource, msg } = event.detail
    // One event for every topic: this takes its own topic's (certificates have their own handler).
    if (msg.topic !== this.#d.topic) return
    void this.#d.ingest.submit(msg.data, 'gossip').then(
      (result) => {
        const verdict = verdictOf(result)
        this.#d.metrics.gossipIn.inc({ verdict })
        this.#d.pubsub.reportMessageValidationResult(msgId, propagationSource.toString(), verdict)
        if (verdict === TopicValidatorResult.Reject) {
          this.#d.log.debug(
            {
              peer: propagationSource.toString(),
              code: 'code' in result ? result.code : undefined,
            },
            'gossip message rejected',
          )
        }
      },
      (error) => {
        this.#d.log.error({ err: error }, 'gossip ingest failed')
        this.#d.pubsub.reportMessageValidationResult(
          msgId,
          propagationSource.toString(),
          TopicValidatorResult.Ignore,
        )
      },
    )
  }

  constructor(deps: GossipDeps) {
    this.#d = deps
  }

  start(): void {
    this.#d.pubsub.addEventListener('gossipsub:message', this.#onMessage)
    this.#d.pubsub.subscribe(this.#d.topic)
  }

  stop(): void {
    this.#d.pubsub.removeEventListener('gossipsub:message', this.#onMessage)
    this.#d.pubsub.unsubscribe(this.#d.topic)
  }

  /** Publishes what this node stored from a client (gossip's own input is forwarded by gossipsub). */
  async publish(message: { bytes: Uint8Array }): Promise<void> {
    // With nobody on the topic there is no one to tell (sync catches peers up
    // later), and publishing would only fill gossipsub's caches.
    if (this.#d.pubsub.getSubscribers(this.#d.topic).length === 0) return
    try {
      await this.#d.pubsub.publish(this.#d.topic, message.bytes)
      this.#d.metrics.gossipOut.inc()
    } catch (error) {
      // No peers yet is normal for a lone node; sync catches them up later.
      this.#d.log.debug({ err: error }, 'gossip publish failed')
    }
  }
}
