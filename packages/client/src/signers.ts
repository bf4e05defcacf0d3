import {
  authorizeSigner,
  equalBytes,
  type Message,
  type SignerSet,
  signerSetOf,
  toHex,
} from '@freebird/protocol'
import type { ClientContext, NodeFault, WithheldReport } from './context.ts'
import { mergeWinners } from './merge.ts'
import { readFrom } from './read.ts'
import { misplaced, verifyAll } from './verify.ts'

/** How long an author's verified signer set is reused. */
const SIGNER_TTL_MS = 30_000

/**
 * The signer messages of an author, read from `reads` nodes: each verified,
 * root-signed, of that author; merged by the protocol's rule, so a node that
 * withholds a `signer.remove` another node has is reported stale.
 */
export async function signerMessages(
  ctx: ClientContext,
  author: Uint8Array,
  faults: NodeFault[],
  withheld: WithheldReport[],
): Promise<Message[]> {
  const hex = toHex(author)
  const cached = ctx.signerCache.get(hex)
  if (cached && Date.now() - cached.at < SIGNER_TTL_MS) return cached.messages
  const network = await ctx.network()
  const outcome = await readFrom(ctx, async (node, signal) => {
    const messages = verifyAll(
      node.name,
      await node.query({ q: 'signers', author }, signal),
      network,
    )
    for (const m of messages) {
      const t = m.data.type
      if ((t !== 'signer.add' && t !== 'signer.remove') || !equalBytes(m.data.author, author)) {
        throw misplaced(node.name, `a ${t} of another account as a signer message`)
      }
    }
    return messages
  })
  faults.push(...outcome.faults)
  const merged = await mergeWinners(ctx, outcome.answers, faults, withheld)
  ctx.signerCache.set(hex, { at: Date.now(), messages: merged })
  return merged
}

/**
 * Drops messages their signer was not authorized to sign (PROTOCOL.md §9.1)
 * under the merged signer sets of their authors; the node that served one
 * is reported. Root-signed messages need no lookup.
 */
export async function authorized<T extends Message>(
  ctx: ClientContext,
  served: { node: string; messages: T[] }[],
  faults: NodeFault[],
  withheld: WithheldReport[],
): Promise<Set<T>> {
  const sets = new Map<string, SignerSet>()
  for (const { messages } of served) {
    for (const m of messages) {
      const author = toHex(m.data.author)
      if (equalBytes(m.signer, m.data.author) || sets.has(author)) continue
      sets.set(author, new Map())
      const list = await signerMessages(ctx, m.data.author, faults, withheld)
      sets.set(author, signerSetOf(list))
    }
  }
  const ok = new Set<T>()
  for (const { node, messages } of served) {
    for (const m of messages) {
      const set = sets.get(toHex(m.data.author))
      const error = set ? authorizeSigner(m, set) : null
      if (!error) {
        ok.add(m)
        continue
      }
      const f: NodeFault = {
        node,
        code: 'client.node_stale',
        message: `${node} served ${toHex(m.id)}, which its signer may not sign (${error.code})`,
      }
      faults.push(f)
      ctx.onFault?.(f)
    }
  }
  return ok
}
