import { Command, CommanderError } from 'commander'
import { CliError } from './cli-error.ts'
import { demoCommand } from './commands/demo.ts'
import { devnetCommand } from './commands/devnet.ts'
import { genesisCommand } from './commands/genesis.ts'
import { keygenCommand } from './commands/keygen.ts'
import {
  balanceCommand,
  historyCommand,
  sendCommand,
  tipCommand,
} from './commands/ledger-commands.ts'
import { nodeCommand } from './commands/node.ts'
import { feedCommand, profileCommand, threadCommand } from './commands/read-commands.ts'
import { syncCommand } from './commands/sync.ts'
import {
  followCommand,
  likeCommand,
  postCommand,
  replyCommand,
  unfollowCommand,
} from './commands/write-commands.ts'

/** Builds the `freebird` program; one file per command under commands/. */
export function createProgram(): Command {
  return new Command('freebird')
    .description('Freebird: a decentralized social network with a native token')
    .version('0.1.0')
    .addCommand(nodeCommand())
    .addCommand(genesisCommand())
    .addCommand(devnetCommand())
    .addCommand(keygenCommand())
    .addCommand(postCommand())
    .addCommand(replyCommand())
    .addCommand(likeCommand())
    .addCommand(followCommand())
    .addCommand(unfollowCommand())
    .addCommand(profileCommand())
    .addCommand(feedCommand())
    .addCommand(threadCommand())
    .addCommand(sendCommand())
    .addCommand(tipCommand())
    .addCommand(balanceCommand())
    .addCommand(historyCommand())
    .addCommand(syncCommand())
    .addCommand(demoCommand())
    .showHelpAfterError()
}

/** Runs the CLI; exits non-zero with a one-line message on any expected error. */
export async function main(argv: string[]): Promise<void> {
  const program = createProgram().exitOverride()
  try {
    await program.parseAsync(argv)
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode
      return
    }
    if (error instanceof CliError) {
      process.stderr.write(`freebird: ${error.message} (${error.code})\n`)
      process.exitCode = 1
      return
    }
    throw error
  }
}
