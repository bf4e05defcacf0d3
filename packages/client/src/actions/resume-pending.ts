import { toHex } from '@freebird/protocol'
import type { ClientContext } from '../context.ts'
import { clearPending, ledgerParamsOf, loadPending, serially } from '../ledger.ts'
import { finishPending, spender, type TransferResult } from './transfer.ts'

/**
 * Finishes the transfer order a crashed run left pending in the store: the
 * same signed bytes are sent again (validators answer the same vote for
 * the same order) until they are certified. Resolves with the transfer, or
 * undefined when nothing was pending. `transfer` does this by itself first;
 * call it at start-up to settle the order before anything else.
 *
 * @example
 * ```ts
 * const client = createClient({ nodes, signer, store: fileStore('./me.pending.json') })
 * const finished = await client.resumePending()
 * if (finished) console.log(`order ${finished.id} (seq ${finished.seq}) is certified`)
 * ```
 */
export async function resumePending(ctx: ClientContext): Promise<TransferResult | undefined> {
  const { account } = spender(ctx)
  const params = await ledgerParamsOf(ctx)
  return serially(ctx, toHex(account), () => finishPending(ctx, params, account))
}

/** A pending order as `discardPending` reports it. */
export interface PendingOrder {
  /** The order id (hex). */
  id: string
  seq: number
  /** The signed order (CBOR). */
  bytes: Uint8Array
}

/**
 * Forgets the pending order without finishing it, and returns it. Only for
 * an order that can never be certified (the validators report
 * `ledger.conflicting_order` for it): if it still could be, the next
 * transfer signs a second order at its seq, and validators split between
 * the two can lock the account at that seq for good.
 *
 * @example
 * ```ts
 * const dropped = await client.discardPending()
 * ```
 */
export async function discardPending(ctx: ClientContext): Promise<PendingOrder | undefined> {
  const { account } = spender(ctx)
  const params = await ledgerParamsOf(ctx)
  return serially(ctx, toHex(account), async () => {
    const order = await loadPending(ctx, params, account)
    if (!order) return undefined
    await clearPending(ctx, params, account)
    return { id: toHex(order.id), seq: order.data.seq, bytes: order.bytes }
  })
}
