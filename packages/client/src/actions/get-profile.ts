import { equalBytes, formatAccount, type Message, type ProfileField } from '@freebird/protocol'
import { accountArg } from '../args.ts'
import type { ClientContext, NodeFault, WithheldReport } from '../context.ts'
import { readWinners } from '../winners.ts'

export interface GetProfileResult {
  account: string
  /** The winning value of each field that was ever set. */
  fields: Partial<Record<ProfileField, string>>
  /** The verified messages the fields come from. */
  messages: Message<'profile.set'>[]
  withheld: WithheldReport[]
  faults: NodeFault[]
}

/**
 * Reads an account's profile from `reads` nodes and rebuilds it from the
 * verified `profile.set` messages with the protocol's rule (latest wins per
 * field); a node that serves an older value than another node is reported.
 *
 * @example
 * ```ts
 * const { fields } = await client.getProfile('fb1...')
 * console.log(fields.name ?? '(no name)')
 * ```
 */
export async function getProfile(ctx: ClientContext, account: string): Promise<GetProfileResult> {
  const author = accountArg(account)
  const view = await readWinners(ctx, {
    ask: (node, signal) => node.query({ q: 'profile', author }, signal),
    misfit: (m) =>
      m.data.type !== 'profile.set'
        ? m.data.type
        : equalBytes(m.data.author, author)
          ? undefined
          : 'another account',
  })
  const messages = view.winners as Message<'profile.set'>[]
  const fields: Partial<Record<ProfileField, string>> = {}
  for (const m of messages) fields[m.data.body.field] = m.data.body.value
  return {
    account: formatAccount(author),
    fields,
    messages,
    withheld: view.withheld,
    faults: view.faults,
  }
}
