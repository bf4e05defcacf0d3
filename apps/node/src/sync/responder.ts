import { equalBytes, ID_BYTES, MAX_MESSAGE_BYTES, Reconciler } from '@freebird/protocol'
import type { Stream } from '@libp2p/interface'
import { readFrames, writeFrame, writeFrames } from '../p2p/frames.ts'
import { blamesSender, type IngestResult } from '../pipeline/ingest.ts'
import type { SyncContext } from './context.ts'
import { SyncSessionError } from './errors.ts'
import { IngestWindow } from './ingest-window.ts'

/** What the listener side of a session moved. */
export interface ResponderStats {
  rounds: number
  bytesIn: number
  bytesOut: number
}

/**
 * The listener side of `/sync/1.0.0`: one Negentropy answer per frame, each
 * computed over a consistent view of the set, until the dialer closes.
 */
export async function answerSync(
  ctx: SyncContext,
  stream: Stream,
  stats: ResponderStats,
): Promise<void> {
  const { limits } = ctx
  for await (const frame of readFrames(stream, limits.maxFrameBytes)) {
    stats.bytesIn += frame.byteLength
    if (++stats.rounds > limits.maxRounds) {
      throw new SyncSessionError('sync.rounds', `more than ${limits.maxRounds} rounds`)
    }
    const { output } = await ctx.store.syncIndex.read((view) =>
      new Reconciler(view, { frameSizeLimit: limits.frameSizeLimit }).reconcile(frame),
    )
    // A responder always answers (its output is never null).
    const answer = output as Uint8Array
    stats.bytesOut += answer.byteLength
    await writeFrame(stream, answer)
  }
  await stream.close()
}

/**
 * The listener side of `/fetch/1.0.0`: each request frame is a list of ids;
 * the answer is one frame per id, in order: the envelope, or an empty frame
 * for an id this node does not hold (any more).
 */
export async function serveFetch(ctx: SyncContext, stream: Stream): Promise<number> {
  const { fetchBatch } = ctx.limits
  let served = 0
  for await (const frame of readFrames(stream, fetchBatch * ID_BYTES)) {
    if (frame.byteLength === 0 || frame.byteLength % ID_BYTES !== 0) {
      throw new SyncSessionError('sync.bad_request', 'a fetch request is a list of 32-byte ids')
    }
    const ids: Uint8Array[] = []
    for (let at = 0; at < frame.byteLength; at += ID_BYTES) {
      ids.push(frame.subarray(at, at + ID_BYTES))
    }
    const envelopes = await ctx.store.getMessages(ids)
    served += envelopes.filter(Boolean).length
    await writeFrames(
      stream,
      envelopes.map((e) => e ?? new Uint8Array(0)),
    )
  }
  await stream.close()
  return served
}

/** Room for an envelope's length prefix on top of the largest envelope. */
export const MAX_ENVELOPE_FRAME = MAX_MESSAGE_BYTES + 16

/**
 * Turns a served message's ingest result into the peer's fault, if it is one.
 * A message refused for what it is (bytes, signature, rules) is; one refused
 * for the author's signer set is not: an honest peer may not have the
 * signer.remove yet (this session pushes it).
 */
export function servedFault(result: IngestResult, expected?: Uint8Array): Error | null {
  if (blamesSender(result)) {
    const code = 'code' in result ? result.code : ''
    return new SyncSessionError(
      'sync.invalid_message',
      `the peer served an invalid message (${code})`,
    )
  }
  if (expected && (!result.id || !equalBytes(result.id, expected))) {
    return new SyncSessionError('sync.invalid_message', 'the peer served a message not asked for')
  }
  return null
}

/**
 * The listener side of `/push/1.0.0`: envelopes the dialer found this node
 * lacking. Each goes through the ingest pipeline like any other message;
 * an invalid one ends the stream and counts against the dialer.
 */
export async function acceptPush(ctx: SyncContext, stream: Stream): Promise<number> {
  const window = new IngestWindow(ctx.limits.ingestWindow)
  let received = 0
  for await (const frame of readFrames(stream, MAX_ENVELOPE_FRAME)) {
    received++
    await window.add(
      () => ctx.ingest.submit(frame, 'sync'),
      (result) => servedFault(result),
    )
  }
  await window.drain()
  await stream.close()
  return received
}
