import { equalBytes, toHex } from '@freebird/protocol'
import type { Certificate } from '@freebird/protocol/ledger'
import { idArg } from '../args.ts'
import type { ClientContext, NodeFault } from '../context.ts'
import {
  ledgerParamsOf,
  newestCertificateFirst,
  type TransferView,
  toTransferView,
} from '../ledger.ts'
import { verifiedList } from '../ledger-reads.ts'
import { noAnswer, readFrom } from '../read.ts'

export interface GetTipsResult {
  /** The post id (hex). */
  post: string
  /** The sum of the verified tips below, in base units. */
  total: bigint
  /** Certified tips to the post, newest first, merged across nodes, each certificate verified here. */
  tips: TransferView[]
  /** Nodes whose answer did not verify (never counted). */
  faults: NodeFault[]
}

/**
 * The tips a post received, proven: read from `reads` nodes, every
 * certificate verified here and checked to be a tip to this post, merged;
 * `total` is their sum (a node's own total is not trusted).
 *
 * @example
 * ```ts
 * const { total, tips } = await client.getTips(postId)
 * console.log(`${total} base units from ${tips.length} tips`)
 * ```
 */
export async function getTips(ctx: ClientContext, postId: string): Promise<GetTipsResult> {
  const post = idArg(postId)
  const params = await ledgerParamsOf(ctx)
  const belongs = (c: Certificate) =>
    c.order.data.kind === 'tip' && c.order.data.ref && equalBytes(c.order.data.ref, post)
      ? undefined
      : 'a transfer that is not a tip to this post'
  const outcome = await readFrom(ctx, (node) =>
    verifiedList(ctx, params, node, (page, signal) => node.tips(post, page, signal), belongs),
  )
  if (outcome.answers.length === 0) throw noAnswer(outcome)
  const merged = new Map<string, Certificate>()
  for (const a of outcome.answers) for (const c of a.value) merged.set(toHex(c.order.id), c)
  const tips = [...merged.values()].sort(newestCertificateFirst)
  return {
    post: toHex(post),
    total: tips.reduce((sum, c) => sum + c.order.data.amount, 0n),
    tips: tips.map(toTransferView),
    faults: outcome.faults,
  }
}
