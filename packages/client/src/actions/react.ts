import { buildReactionAdd, buildReactionRemove, type ReactionKind } from '@freebird/protocol'
import { idArg } from '../args.ts'
import type { ClientContext } from '../context.ts'
import { signAndSubmit } from './sign.ts'
import type { SubmitResult } from './submit.ts'

export interface ReactArgs {
  /** Id (hex) of the post. */
  target: string
  /** Default `like`. */
  kind?: ReactionKind
}

/**
 * Reacts to a post (`like` or `repost`).
 *
 * @example
 * ```ts
 * await client.react({ target: postId })
 * await client.react({ target: postId, kind: 'repost' })
 * ```
 */
export async function react(ctx: ClientContext, args: ReactArgs): Promise<SubmitResult> {
  const target = idArg(args.target)
  return signAndSubmit(ctx, (options) =>
    buildReactionAdd({ target, kind: args.kind ?? 'like' }, options),
  )
}

/**
 * Takes a reaction back (the latest of react / unreact wins).
 *
 * @example
 * ```ts
 * await client.unreact({ target: postId })
 * ```
 */
export async function unreact(ctx: ClientContext, args: ReactArgs): Promise<SubmitResult> {
  const target = idArg(args.target)
  return signAndSubmit(ctx, (options) =>
    buildReactionRemove({ target, kind: args.kind ?? 'like' }, options),
  )
}
