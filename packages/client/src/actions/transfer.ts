import { equalBytes, formatAccount, type Signer, toHex } from '@freebird/protocol'
import {
  buildTransferOrder,
  type Certificate,
  decodeCertificate,
  type LedgerParams,
  type TransferKind,
  type TransferOrder,
} from '@freebird/protocol/ledger'
import { accountArg, idArg } from '../args.ts'
import { certify, pushCertificate, type Refusal } from '../certify.ts'
import type { ClientContext } from '../context.ts'
import { ClientError } from '../errors.ts'
import {
  amountArg,
  clearPending,
  ledgerParamsOf,
  loadLast,
  loadPending,
  saveLast,
  savePending,
  serially,
} from '../ledger.ts'
import { attest, certifiedAt, lowerBound } from '../ledger-reads.ts'

export interface TransferArgs {
  /** The recipient (`fb1...`). */
  to: string
  /** Base units: a bigint, a safe integer or a decimal string; at least 1. */
  amount: bigint | number | string
  /** `payment` (default), `purchase`, `reward` (the issuer only) or `tip` (needs `ref`; see `tip`). */
  kind?: TransferKind
  /** What it is for: a post id (hex) for a tip, any 32-byte id (hex) otherwise. */
  ref?: string
  /** A note, 1 to 256 UTF-8 bytes, public. */
  memo?: string
}

/** A certified transfer: final once this resolves. */
export interface TransferResult {
  /** The order id (hex); the same id across retries and crashes. */
  id: string
  /** The sender's seq this order took. */
  seq: number
  from: string
  to: string
  amount: bigint
  kind: TransferKind
  /** The certificate (CBOR): the signed order and a quorum of validators' votes, verified here. */
  certificate: Uint8Array
  /** Nodes that had accepted the certificate when this resolved (pushes to the rest go on). */
  acceptedBy: string[]
  /** From signing (or resuming) the order to a final certificate accepted by a node, in ms. */
  latencyMs: number
  /** An order signed before (by a run that crashed) that this call finished first. */
  resumed?: TransferResult
}

/** The signer and account that spend: tokens move only with the account's root key. */
export function spender(ctx: ClientContext): { signer: Signer; account: Uint8Array } {
  const signer = ctx.signer
  if (!signer) throw new ClientError('client.invalid_request', 'a transfer needs a signer')
  if (ctx.account && !equalBytes(ctx.account, signer.publicKey)) {
    throw new ClientError(
      'client.invalid_request',
      "tokens move only with the account's root key, not an app key",
    )
  }
  return { signer, account: signer.publicKey }
}

/**
 * Sends a signed order to the validators until it is certified, then makes
 * the certificate known: verified here (final), recorded as the account's
 * last, pushed to the nodes, and the pending record cleared. On failure the
 * pending record stays unless the order provably can never be certified.
 */
export async function finishOrder(
  ctx: ClientContext,
  params: LedgerParams,
  order: TransferOrder,
  started = performance.now(),
): Promise<TransferResult> {
  const { from, seq } = order.data
  const id = toHex(order.id)
  const outcome = await certify(ctx, params, order, () => loadLast(ctx, params, from))
  if (!outcome.ok) {
    const conflict = outcome.refusals.find((r) => r.code === 'ledger.conflicting_order')
    if (conflict) {
      const other = await certifiedAt(ctx, params, from, seq)
      if (other && !equalBytes(other.order.id, order.id)) {
        // Proof that the seq went to another order: this one can never be certified.
        await saveLast(ctx, params, other)
        await clearPending(ctx, params, from)
        throw new ClientError(
          'client.refused',
          `seq ${seq} of ${formatAccount(from)} is certified for another order (${toHex(other.order.id)}): order ${id} can never be certified and was dropped`,
          { reason: 'ledger.conflicting_order', node: conflict.node, cause: outcome },
        )
      }
      throw new ClientError(
        'client.refused',
        `validators hold another order at seq ${seq} of ${formatAccount(from)}: order ${id} stays pending (it is retried first; sign no other order at this seq)`,
        { reason: 'ledger.conflicting_order', node: conflict.node, cause: outcome },
      )
    }
    const refusal = mostCommon(outcome.refusals.filter((r) => r.code !== 'ledger.wrong_seq'))
    if (refusal) {
      // Every node answered and none voted (a vote is a lock): no validator holds this order,
      // so the next order may take its seq. Otherwise it stays pending.
      if (outcome.weight === 0 && outcome.failed.length === 0) await clearPending(ctx, params, from)
      throw new ClientError('client.refused', `${refusal.message} (${refusal.code})`, {
        reason: refusal.code,
        node: refusal.node,
        cause: outcome,
      })
    }
    throw new ClientError(
      'client.unavailable',
      `order ${id} got ${outcome.weight} of the ${params.quorum} vote weight it needs ` +
        `(${outcome.failed.length} node(s) unreachable, ${outcome.refusals.length} behind); ` +
        'it stays pending and is sent again first',
      { cause: outcome },
    )
  }
  // Final: a quorum of the committee signed this order; checked once more as anyone would.
  const certificate: Certificate = decodeCertificate(outcome.certificate.bytes, params)
  await saveLast(ctx, params, certificate)
  const acceptedBy = await pushCertificate(ctx, certificate)
  await clearPending(ctx, params, from)
  const d = certificate.order.data
  return {
    id,
    seq,
    from: formatAccount(d.from),
    to: formatAccount(d.to),
    amount: d.amount,
    kind: d.kind,
    certificate: certificate.bytes,
    acceptedBy,
    latencyMs: Math.round(performance.now() - started),
  }
}

/** The refusal most nodes gave. */
function mostCommon(refusals: Refusal[]): Refusal | undefined {
  const count = new Map<string, number>()
  for (const r of refusals) count.set(r.code, (count.get(r.code) ?? 0) + 1)
  return [...refusals].sort((a, b) => (count.get(b.code) ?? 0) - (count.get(a.code) ?? 0))[0]
}

/** Finishes the account's pending order, if the store holds one (call inside the account's queue). */
export async function finishPending(
  ctx: ClientContext,
  params: LedgerParams,
  account: Uint8Array,
): Promise<TransferResult | undefined> {
  const pending = await loadPending(ctx, params, account)
  return pending ? finishOrder(ctx, params, pending) : undefined
}

/**
 * The seq the account's next order takes: the highest of what a quorum of
 * validators attests and this client's own last certificate + 1; without
 * either, what the account's verified certificates prove. With the attested
 * balance, when it is current.
 */
async function nextSlot(
  ctx: ClientContext,
  params: LedgerParams,
  account: Uint8Array,
): Promise<{ seq: number; balance?: bigint }> {
  const [last, attested] = await Promise.all([
    loadLast(ctx, params, account),
    attest(ctx, params, account),
  ])
  const own = last ? last.order.data.seq + 1 : undefined
  const statement = attested.statement
  if (statement && (own === undefined || statement.nextSeq >= own)) {
    return { seq: statement.nextSeq, balance: statement.balance }
  }
  if (own !== undefined) return { seq: own }
  return { seq: (await lowerBound(ctx, params, account)).nextSeq }
}

/**
 * Transfers tokens: signs an order for the account's next seq, stores it as
 * pending (before it is sent anywhere), sends it to every node, verifies
 * each validator's vote, forms the certificate once the votes reach the
 * quorum by weight, pushes it to the nodes and resolves once one accepted
 * it. Transfers of one account run one at a time, in call order. An order
 * left pending by a crash (see `store`) is finished first — the same
 * signed bytes, never a second order at its seq.
 *
 * Throws `client.refused` with the ledger's code in `reason`
 * (`ledger.insufficient_balance`, `ledger.conflicting_order`, ...), or
 * `client.unavailable` when too few validators answered (the order stays
 * pending and is sent again by the next transfer or `resumePending`).
 *
 * @example
 * ```ts
 * const client = createClient({ nodes, signer, store: fileStore('./me.pending.json') })
 * const { id, seq, latencyMs } = await client.transfer({ to: 'fb1...', amount: 250n, memo: 'lunch' })
 * ```
 */
export async function transfer(ctx: ClientContext, args: TransferArgs): Promise<TransferResult> {
  const { signer, account } = spender(ctx)
  const to = accountArg(args.to)
  const amount = amountArg(args.amount)
  const kind = args.kind ?? 'payment'
  const ref = args.ref === undefined ? undefined : idArg(args.ref)
  const params = await ledgerParamsOf(ctx)
  if (params.committee.length === 0) {
    throw new ClientError('client.refused', 'this network has no validators', {
      reason: 'ledger.no_ledger',
    })
  }
  return serially(ctx, toHex(account), async () => {
    const resumed = await finishPending(ctx, params, account)
    const slot = await nextSlot(ctx, params, account)
    if (kind !== 'reward' && slot.balance !== undefined && slot.balance < amount) {
      // Refused before anything is signed: no order exists that could be voted on later.
      throw new ClientError(
        'client.refused',
        `the attested balance ${slot.balance} is less than ${amount}`,
        { reason: 'ledger.insufficient_balance' },
      )
    }
    let order: TransferOrder
    try {
      order = buildTransferOrder(
        {
          to,
          amount,
          seq: slot.seq,
          kind,
          ...(ref ? { ref } : {}),
          ...(args.memo !== undefined ? { memo: args.memo } : {}),
        },
        { network: params.network, signer },
      )
    } catch (error) {
      throw new ClientError('client.invalid_request', (error as Error).message, { cause: error })
    }
    const started = performance.now()
    await savePending(ctx, params, order)
    const result = await finishOrder(ctx, params, order, started)
    return resumed ? { ...result, resumed } : result
  })
}
