import { buildFollowAdd, buildFollowRemove } from '@freebird/protocol'
import { accountArg } from '../args.ts'
import type { ClientContext } from '../context.ts'
import { signAndSubmit } from './sign.ts'
import type { SubmitResult } from './submit.ts'

/**
 * Follows an account; its posts then appear in `getFeed`.
 *
 * @example
 * ```ts
 * await client.follow('fb1...')
 * ```
 */
export async function follow(ctx: ClientContext, account: string): Promise<SubmitResult> {
  const target = accountArg(account)
  return signAndSubmit(ctx, (options) => buildFollowAdd({ target }, options))
}

/**
 * Stops following an account.
 *
 * @example
 * ```ts
 * await client.unfollow('fb1...')
 * ```
 */
export async function unfollow(ctx: ClientContext, account: string): Promise<SubmitResult> {
  const target = accountArg(account)
  return signAndSubmit(ctx, (options) => buildFollowRemove({ target }, options))
}
