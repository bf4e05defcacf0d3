import { formatAccount } from '@freebird/protocol'
import { accountArg } from '../args.ts'
import type { ClientContext, NodeFault } from '../context.ts'
import { ClientError } from '../errors.ts'
import { ledgerParamsOf, loadLast } from '../ledger.ts'
import { attest, lowerBound } from '../ledger-reads.ts'

export interface GetBalanceResult {
  account: string
  /** Base units. */
  balance: bigint
  /** The seq the account's next order takes. */
  nextSeq: number
  /**
   * `attested`: validators whose weight reaches the quorum signed this very
   * balance and seq. `lower-bound`: no quorum agreed; the balance is what
   * the client proved itself from verified certificates (genesis allocation
   * + certified incoming - certified outgoing), which nodes can make lower
   * by withholding incoming certificates, never higher.
   */
  source: 'attested' | 'lower-bound'
  /** Verified attestations received (one per validator). */
  attestations: number
  /** Nodes whose answer did not verify (never used). */
  faults: NodeFault[]
}

/**
 * An account's balance (default: the client's own), verified: every node is
 * asked; validators' signed attestations are checked here, and a quorum of
 * them by weight agreeing on (balance, next seq) is the answer. Without one
 * (validators still applying, too few reachable) the client computes a
 * lower bound from the account's certificates, each verified here.
 *
 * @example
 * ```ts
 * const { balance, source } = await client.getBalance('fb1...')
 * console.log(`${balance} base units (${source})`)
 * ```
 */
export async function getBalance(ctx: ClientContext, account?: string): Promise<GetBalanceResult> {
  const key = account === undefined ? ctx.account : accountArg(account)
  if (!key) throw new ClientError('client.invalid_request', 'name an account, or give a signer')
  const params = await ledgerParamsOf(ctx)
  const attested = await attest(ctx, params, key)
  const base = {
    account: formatAccount(key),
    attestations: attested.attestations.length,
  }
  if (attested.statement) {
    return {
      ...base,
      balance: attested.statement.balance,
      nextSeq: attested.statement.nextSeq,
      source: 'attested',
      faults: attested.faults,
    }
  }
  // The client's own last certificate counts too (nodes may not have it yet).
  const last = await loadLast(ctx, params, key).catch(() => undefined)
  const bound = await lowerBound(ctx, params, key, last ? [last] : [])
  return {
    ...base,
    balance: bound.balance,
    nextSeq: bound.nextSeq,
    source: 'lower-bound',
    faults: [...attested.faults, ...bound.faults],
  }
}
