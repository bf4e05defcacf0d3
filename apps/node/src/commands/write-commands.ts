import { Command } from 'commander'
import {
  type ClientCommandOptions,
  printSubmit,
  withClient,
  withClientOptions,
} from './client-session.ts'

type Options = ClientCommandOptions & { replyTo?: string; undo?: boolean; repost?: boolean }

/** `freebird post --key FILE [--node ADDR]... [--reply-to ID] TEXT`. */
export function postCommand(): Command {
  return withClientOptions(new Command('post'), true)
    .description('sign a post locally and submit it to every node given; prints its id')
    .argument('<text>', 'post text (at most 1,024 UTF-8 bytes)')
    .option('--reply-to <id>', 'id of the post this replies to')
    .action((text: string, o: Options) =>
      withClient(o, async (client) =>
        printSubmit(await client.post(o.replyTo ? { text, parent: o.replyTo } : { text }), o.json),
      ),
    )
}

/** `freebird reply --key FILE [--node ADDR]... ID TEXT`. */
export function replyCommand(): Command {
  return withClientOptions(new Command('reply'), true)
    .description('sign a reply locally and submit it; prints its id')
    .argument('<id>', 'id of the post to reply to')
    .argument('<text>', 'reply text')
    .action((id: string, text: string, o: Options) =>
      withClient(o, async (client) =>
        printSubmit(await client.reply({ parent: id, text }), o.json),
      ),
    )
}

/** `freebird like --key FILE [--node ADDR]... [--undo] [--repost] ID`. */
export function likeCommand(): Command {
  return withClientOptions(new Command('like'), true)
    .description('like a post (or repost it, or take either back)')
    .argument('<id>', 'id of the post')
    .option('--repost', 'a repost rather than a like')
    .option('--undo', 'take the reaction back')
    .action((id: string, o: Options) =>
      withClient(o, async (client) => {
        const args = { target: id, kind: o.repost ? ('repost' as const) : ('like' as const) }
        printSubmit(await (o.undo ? client.unreact(args) : client.react(args)), o.json)
      }),
    )
}

/** `freebird follow --key FILE [--node ADDR]... ACCOUNT`. */
export function followCommand(): Command {
  return withClientOptions(new Command('follow'), true)
    .description('follow an account')
    .argument('<account>', 'account to follow (fb1...)')
    .action((account: string, o: Options) =>
      withClient(o, async (client) => printSubmit(await client.follow(account), o.json)),
    )
}

/** `freebird unfollow --key FILE [--node ADDR]... ACCOUNT`. */
export function unfollowCommand(): Command {
  return withClientOptions(new Command('unfollow'), true)
    .description('stop following an account')
    .argument('<account>', 'account to unfollow (fb1...)')
    .action((account: string, o: Options) =>
      withClient(o, async (client) => printSubmit(await client.unfollow(account), o.json)),
    )
}
