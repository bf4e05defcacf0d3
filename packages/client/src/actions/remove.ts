import { buildPostRemove } from '@freebird/protocol'
import { idArg } from '../args.ts'
import type { ClientContext } from '../context.ts'
import { signAndSubmit } from './sign.ts'
import type { SubmitResult } from './submit.ts'

/**
 * Removes one of the account's own posts (the removal wins forever; a
 * root-signed one makes nodes delete the content).
 *
 * @example
 * ```ts
 * await client.remove(postId)
 * ```
 */
export async function remove(ctx: ClientContext, postId: string): Promise<SubmitResult> {
  const target = idArg(postId)
  return signAndSubmit(ctx, (options) => buildPostRemove({ target }, options))
}
