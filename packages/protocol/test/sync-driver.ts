import { fromHex, Reconciler, type SyncItem, SyncVector, toHex } from '../src/index.ts'

export interface SyncRun {
  have: string[]
  need: string[]
  /** Each initiator message and the answer it got, in hex. */
  transcript: { query: string; answer: string }[]
}

/** One side of a conversation: takes a message (hex), returns the next one (hex; null when done). */
export interface Side {
  initiate?(): Promise<string> | string
  reconcile(message: string): Promise<string | null> | string | null
  have?: string[]
  need?: string[]
}

/**
 * Our Reconciler over an in-memory set, as a Side. With `perRound`, every
 * later round gets a fresh Reconciler (as a node does, over a fresh view).
 */
export function ours(
  items: SyncItem[],
  frameSizeLimit = 0,
  perRound = false,
): Side & { have: string[]; need: string[] } {
  const storage = new SyncVector(items)
  let r = new Reconciler(storage, { frameSizeLimit })
  const side = {
    have: [] as string[],
    need: [] as string[],
    async initiate() {
      return toHex(await r.initiate())
    },
    async reconcile(message: string) {
      if (perRound) r = new Reconciler(storage, { frameSizeLimit, initiator: r.isInitiator })
      const result = await r.reconcile(fromHex(message))
      side.have.push(...result.have.map(toHex))
      side.need.push(...result.need.map(toHex))
      return result.output ? toHex(result.output) : null
    },
  }
  return side
}

/** Runs a whole reconciliation between two sides; throws after too many rounds. */
export async function converse(
  initiator: Side,
  responder: Side,
  maxRounds = 10_000,
): Promise<SyncRun> {
  const transcript: SyncRun['transcript'] = []
  let query: string | null = await (initiator.initiate as () => Promise<string>)()
  while (query !== null) {
    if (transcript.length >= maxRounds) throw new Error('too many rounds')
    // nostr-tools' responder returns null for an answer of only the version byte.
    const answer = (await responder.reconcile(query)) ?? '61'
    transcript.push({ query, answer })
    query = await initiator.reconcile(answer)
  }
  return {
    have: [...(initiator.have ?? [])].sort(),
    need: [...(initiator.need ?? [])].sort(),
    transcript,
  }
}
