import { formatAccount, toHex } from '@freebird/protocol'
import type { Certificate } from '@freebird/protocol/ledger'
import { accountArg } from '../args.ts'
import type { ClientContext, NodeFault } from '../context.ts'
import { ClientError } from '../errors.ts'
import {
  ledgerParamsOf,
  newestCertificateFirst,
  type TransferView,
  toTransferView,
} from '../ledger.ts'
import { involving, verifyCertificates } from '../ledger-reads.ts'
import { noAnswer, readFrom } from '../read.ts'

export interface GetTransfersOptions {
  /** Transfers per page, 1 to 499 (default 50). */
  limit?: number
  /** The `next` of the previous page: transfers signed before this time (ms). */
  before?: number
}

export interface GetTransfersResult {
  account: string
  /** Certified transfers from or to the account, newest first, each certificate verified here. */
  transfers: TransferView[]
  /** `before` for the next (older) page, when there may be one. */
  next?: number
  /** Nodes whose answer did not verify (never shown). */
  faults: NodeFault[]
}

/**
 * An account's transfer history (default: the client's own), newest first:
 * read from `reads` nodes and merged, every certificate verified here (the
 * order's signature and a quorum of votes) and checked to be from or to the
 * account; a node that serves anything else is reported and its answer
 * dropped.
 *
 * @example
 * ```ts
 * let page = await client.getTransfers('fb1...', { limit: 20 })
 * for (const t of page.transfers) console.log(t.seq, t.from, '->', t.to, t.amount)
 * if (page.next) page = await client.getTransfers('fb1...', { limit: 20, before: page.next })
 * ```
 */
export async function getTransfers(
  ctx: ClientContext,
  account?: string,
  options: GetTransfersOptions = {},
): Promise<GetTransfersResult> {
  const key = account === undefined ? ctx.account : accountArg(account)
  if (!key) throw new ClientError('client.invalid_request', 'name an account, or give a signer')
  const limit = options.limit ?? 50
  if (!Number.isInteger(limit) || limit < 1 || limit > 499) {
    throw new ClientError('client.invalid_request', 'limit must be 1 to 499')
  }
  const params = await ledgerParamsOf(ctx)
  const belongs = involving(key)
  const page = {
    limit: limit + 1,
    ...(options.before !== undefined ? { before: options.before } : {}),
  }
  const outcome = await readFrom(ctx, async (node, signal) =>
    verifyCertificates(node.name, params, await node.transfers(key, page, signal), belongs),
  )
  if (outcome.answers.length === 0) throw noAnswer(outcome)
  const merged = new Map<string, Certificate>()
  for (const a of outcome.answers) for (const c of a.value) merged.set(toHex(c.order.id), c)
  const sorted = [...merged.values()].sort(newestCertificateFirst)
  let shown = sorted.slice(0, limit)
  let next: number | undefined
  const last = shown[shown.length - 1]
  if (sorted.length > limit && last) {
    const t = last.order.data.timestamp
    next = t
    // Never split one millisecond between pages: the next page starts with it.
    if (sorted[limit]?.order.data.timestamp === t) {
      const kept = shown.filter((c) => c.order.data.timestamp !== t)
      if (kept.length > 0) {
        shown = kept
        next = t + 1
      }
    }
  }
  return {
    account: formatAccount(key),
    transfers: shown.map(toTransferView),
    ...(next !== undefined ? { next } : {}),
    faults: outcome.faults,
  }
}
