import { buildSignerAdd, buildSignerRemove, type SignerScope } from '@freebird/protocol'
import { keyArg } from '../args.ts'
import type { ClientContext } from '../context.ts'
import { signAndSubmit } from './sign.ts'
import type { SubmitResult } from './submit.ts'

export interface AddSignerArgs {
  /** The app key's public key (hex, 32 bytes). */
  key: string
  /** The key signs only messages timestamped before this (ms). Default: one year from now. */
  expiresAt?: number
  /** Default `['social']`. */
  scope?: SignerScope[]
}

const YEAR_MS = 365 * 24 * 3600 * 1000

/**
 * Authorizes an app key to sign for this account (root key only).
 *
 * @example
 * ```ts
 * const app = generateKeyPair()
 * await root.addSigner({ key: toHex(app.publicKey) })
 * const appClient = createClient({ nodes, signer: createSigner(app.secretKey), account: root.account })
 * ```
 */
export async function addSigner(ctx: ClientContext, args: AddSignerArgs): Promise<SubmitResult> {
  const key = keyArg(args.key)
  return signAndSubmit(ctx, (options) =>
    buildSignerAdd(
      {
        key,
        expiresAt: args.expiresAt ?? Date.now() + YEAR_MS,
        ...(args.scope ? { scope: args.scope } : {}),
      },
      options,
    ),
  )
}

/**
 * Revokes an app key forever (root key only): every message it signed stops counting.
 *
 * @example
 * ```ts
 * await root.removeSigner(toHex(app.publicKey))
 * ```
 */
export async function removeSigner(ctx: ClientContext, key: string): Promise<SubmitResult> {
  const k = keyArg(key)
  return signAndSubmit(ctx, (options) => buildSignerRemove({ key: k }, options))
}
