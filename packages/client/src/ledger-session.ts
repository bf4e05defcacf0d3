import type { Certificate, LedgerParams } from '@freebird/protocol/ledger'

/** What one client keeps about the ledger while it runs. */
export interface LedgerSession {
  /** The ledger's parameters, learned once from a node's genesis. */
  params: Promise<LedgerParams> | undefined
  /** Per account (hex): the tail of its queue of transfers. */
  readonly queues: Map<string, Promise<unknown>>
  /** Per account (hex): its last certificate, verified once. */
  readonly last: Map<string, Certificate>
}

export const ledgerSession = (): LedgerSession => ({
  params: undefined,
  queues: new Map(),
  last: new Map(),
})
