import { FreebirdError } from '@freebird/protocol'

/**
 * Stable codes of the client's errors. Tests and apps match on `code`;
 * messages are for people.
 */
export const CLIENT_CODES = [
  /** No node answered (all unreachable, timed out or failing). */
  'client.unavailable',
  /** A node answered with something that does not verify: forged, altered or from another network. */
  'client.node_lied',
  /** A node's answer is superseded by messages another node served (stale, or a removal withheld). */
  'client.node_stale',
  /** Every node asked refused the submission (the node's code is in `cause`). */
  'client.rejected',
  /** The request itself is wrong (bad id, bad option). */
  'client.invalid_request',
  /** Nothing with that id on any node asked. */
  'client.not_found',
  /**
   * The ledger refused a transfer: `reason` holds the ledger's code
   * (`ledger.insufficient_balance`, `ledger.conflicting_order`, ...).
   */
  'client.refused',
] as const

export type ClientCode = (typeof CLIENT_CODES)[number]

/**
 * An error of the light client; `node` names the node at fault, when one is.
 *
 * @example
 * ```ts
 * try {
 *   await client.getPost(id)
 * } catch (error) {
 *   if (error instanceof ClientError && error.code === 'client.not_found') console.log('no such post')
 * }
 * try {
 *   await client.transfer({ to: 'fb1...', amount: 10n })
 * } catch (error) {
 *   if (error instanceof ClientError && error.reason === 'ledger.insufficient_balance') console.log('not enough tokens')
 * }
 * ```
 */
export class ClientError extends FreebirdError<ClientCode> {
  override name = 'ClientError'
  readonly node: string | undefined
  /** For `client.refused`: the ledger's code (e.g. `ledger.insufficient_balance`). */
  readonly reason: string | undefined
  constructor(
    code: ClientCode,
    message: string,
    options: { node?: string; cause?: unknown; reason?: string } = {},
  ) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause })
    this.node = options.node
    this.reason = options.reason
  }
}
