import { buildProfileSet, type ProfileField } from '@freebird/protocol'
import type { ClientContext } from '../context.ts'
import { signAndSubmit } from './sign.ts'
import type { SubmitResult } from './submit.ts'

/**
 * Sets one profile field (`name`, `bio`, `avatar`, `url`); the latest value wins.
 *
 * @example
 * ```ts
 * await client.setProfile({ field: 'name', value: 'Ada' })
 * ```
 */
export async function setProfile(
  ctx: ClientContext,
  args: { field: ProfileField; value: string },
): Promise<SubmitResult> {
  return signAndSubmit(ctx, (options) => buildProfileSet(args, options))
}
