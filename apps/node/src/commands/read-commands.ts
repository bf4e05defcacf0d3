import type { PostView } from '@freebird/client'
import { PROFILE_FIELD_LIMITS, type ProfileField } from '@freebird/protocol'
import { Command } from 'commander'
import { CliError } from '../cli-error.ts'
import {
  type ClientCommandOptions,
  printSubmit,
  withClient,
  withClientOptions,
} from './client-session.ts'

const postJson = ({ message: _message, ...view }: PostView) => view

const line = (p: PostView, indent = '') =>
  `${indent}${new Date(p.timestamp).toISOString()}  ${p.author}\n${indent}  ${p.text.replaceAll('\n', `\n${indent}  `)}\n${indent}  id ${p.id}\n`

/** `freebird feed [--key FILE | --account A] [--node ADDR]... [--limit N] [--cursor C]`. */
export function feedCommand(): Command {
  return withClientOptions(new Command('feed'), false)
    .description('posts of the accounts an account follows, newest first, verified')
    .option('--limit <n>', 'posts per page (1 to 500)', '20')
    .option('--cursor <cursor>', 'the `next` cursor a previous page printed')
    .action((o: ClientCommandOptions & { limit: string; cursor?: string }) =>
      withClient(o, async (client, account) => {
        if (!account) throw new CliError('cli.no_account', 'give --key or --account')
        const page = await client.getFeed({
          account,
          limit: Number(o.limit),
          ...(o.cursor ? { cursor: o.cursor } : {}),
        })
        if (o.json) {
          const { posts, ...rest } = page
          process.stdout.write(`${JSON.stringify({ ...rest, posts: posts.map(postJson) })}\n`)
          return
        }
        if (page.posts.length === 0) process.stdout.write('(no posts)\n')
        for (const p of page.posts) process.stdout.write(line(p))
        if (page.next) process.stdout.write(`more: --cursor ${page.next}\n`)
      }),
    )
}

/** `freebird thread [--node ADDR]... ID`. */
export function threadCommand(): Command {
  return withClientOptions(new Command('thread'), false)
    .description('a post and its replies, verified and merged across nodes')
    .argument('<id>', 'id of the post')
    .action((id: string, o: ClientCommandOptions) =>
      withClient(o, async (client) => {
        const thread = await client.getThread(id)
        if (o.json) {
          process.stdout.write(
            `${JSON.stringify({
              ...thread,
              post: postJson(thread.post),
              replies: thread.replies.map(postJson),
            })}\n`,
          )
          return
        }
        process.stdout.write(line(thread.post))
        for (const r of thread.replies) process.stdout.write(line(r, '    '))
      }),
    )
}

const FIELDS = Object.keys(PROFILE_FIELD_LIMITS) as ProfileField[]

/** `freebird profile [ACCOUNT] [--key FILE] [--name N] [--bio B] ...`: shows a profile, or sets fields. */
export function profileCommand(): Command {
  const command = withClientOptions(new Command('profile'), false)
    .description("show an account's profile, or set your own fields (--name, --bio, ...)")
    .argument('[account]', "account to show (default: the key's)")
  for (const field of FIELDS) command.option(`--${field} <value>`, `set ${field}`)
  return command.action(
    (account: string | undefined, o: ClientCommandOptions & Record<string, string>) =>
      withClient(o, async (client, own) => {
        const sets = FIELDS.filter((f) => o[f] !== undefined)
        if (sets.length > 0) {
          if (!o.key) throw new CliError('cli.no_key', 'setting a profile needs --key')
          for (const field of sets) {
            printSubmit(await client.setProfile({ field, value: o[field] as string }), o.json)
          }
          return
        }
        const who = account ?? own
        if (!who) throw new CliError('cli.no_account', 'name an account, or give --key')
        const profile = await client.getProfile(who)
        if (o.json) {
          process.stdout.write(
            `${JSON.stringify({ account: profile.account, fields: profile.fields, withheld: profile.withheld, faults: profile.faults })}\n`,
          )
          return
        }
        process.stdout.write(`${profile.account}\n`)
        for (const [field, value] of Object.entries(profile.fields)) {
          process.stdout.write(`  ${field}: ${value}\n`)
        }
        if (Object.keys(profile.fields).length === 0) process.stdout.write('  (no profile)\n')
      }),
  )
}
