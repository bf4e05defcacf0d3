import {
  fileStore,
  type GetBalanceResult,
  type TransferResult,
  type TransferView,
} from '@freebird/client'
import { toHex } from '@freebird/protocol'
import { Command, Option } from 'commander'
import { CliError } from '../cli-error.ts'
import { type ClientCommandOptions, withClient, withClientOptions } from './client-session.ts'

/**
 * The file next to a key file where its transfers keep their pending order
 * (and last certificate): a crash between signing and certification is
 * finished by the next `send` or `tip` with the same order.
 */
export const pendingFileOf = (keyFile: string) => `${keyFile}.pending.json`

const storeFor = (o: ClientCommandOptions) => ({
  store: fileStore(pendingFileOf(o.key as string)),
})

const transferJson = (t: TransferResult): Record<string, unknown> => ({
  id: t.id,
  seq: t.seq,
  from: t.from,
  to: t.to,
  amount: t.amount.toString(),
  kind: t.kind,
  latencyMs: t.latencyMs,
  acceptedBy: t.acceptedBy,
  certificate: toHex(t.certificate),
  ...(t.resumed ? { resumed: transferJson(t.resumed) } : {}),
})

/** Prints a certified transfer: its id and a summary line (human), or all of it (JSON). */
function printTransfer(t: TransferResult, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(transferJson(t))}\n`)
    return
  }
  if (t.resumed) {
    const r = t.resumed
    process.stderr.write(
      `finished the pending order ${r.id} first (seq ${r.seq}, ${r.amount} to ${r.to})\n`,
    )
  }
  process.stdout.write(`${t.id}\n`)
  process.stdout.write(
    `  seq ${t.seq}: ${t.amount} ${t.kind} to ${t.to}, certified in ${t.latencyMs} ms` +
      ` (accepted by ${t.acceptedBy.length} node(s))\n`,
  )
}

type SendOptions = ClientCommandOptions & {
  to: string
  amount: string
  memo?: string
  kind: 'payment' | 'purchase' | 'reward'
  ref?: string
}

/** `freebird send --key FILE --to ACCOUNT --amount N [--memo T] [--kind K] [--ref ID] [--node ADDR]...`. */
export function sendCommand(): Command {
  return withClientOptions(new Command('send'), true)
    .description(
      'transfer tokens: sign an order, get it certified by a quorum of validators; prints the transfer id',
    )
    .requiredOption('--to <account>', 'the recipient (fb1...)')
    .requiredOption('--amount <n>', 'whole base units')
    .option('--memo <text>', 'a public note (1 to 256 UTF-8 bytes)')
    .addOption(
      new Option('--kind <kind>', 'what the transfer is')
        .choices(['payment', 'purchase', 'reward'])
        .default('payment'),
    )
    .option('--ref <id>', 'what it is for: a 32-byte id (hex)')
    .action((o: SendOptions) =>
      withClient(
        o,
        async (client) =>
          printTransfer(
            await client.transfer({
              to: o.to,
              amount: o.amount,
              kind: o.kind,
              ...(o.memo !== undefined ? { memo: o.memo } : {}),
              ...(o.ref !== undefined ? { ref: o.ref } : {}),
            }),
            o.json,
          ),
        storeFor(o),
      ),
    )
}

/** `freebird tip --key FILE [--node ADDR]... POST_ID N`. */
export function tipCommand(): Command {
  return withClientOptions(new Command('tip'), true)
    .description("tip a post's author; the tip counts in the post's certified tip total")
    .argument('<post>', 'id of the post')
    .argument('<amount>', 'whole base units')
    .option('--memo <text>', 'a public note')
    .action((post: string, amount: string, o: ClientCommandOptions & { memo?: string }) =>
      withClient(
        o,
        async (client) =>
          printTransfer(
            await client.tip(post, amount, o.memo !== undefined ? { memo: o.memo } : {}),
            o.json,
          ),
        storeFor(o),
      ),
    )
}

const balanceJson = (b: GetBalanceResult) => ({ ...b, balance: b.balance.toString() })

/** `freebird balance [ACCOUNT] [--key FILE] [--node ADDR]...`. */
export function balanceCommand(): Command {
  return withClientOptions(new Command('balance'), false)
    .description(
      "an account's balance: attested by a quorum of validators, or a lower bound proven from certificates",
    )
    .argument('[account]', "the account (default: the key's)")
    .action((account: string | undefined, o: ClientCommandOptions) =>
      withClient(o, async (client, own) => {
        const who = account ?? own
        if (!who) throw new CliError('cli.no_account', 'name an account, or give --key')
        const b = await client.getBalance(who)
        if (o.json) {
          process.stdout.write(`${JSON.stringify(balanceJson(b))}\n`)
          return
        }
        process.stdout.write(`${b.balance}\n`)
        process.stdout.write(
          b.source === 'attested'
            ? `  ${b.account}: next seq ${b.nextSeq}, attested by ${b.attestations} validator(s)\n`
            : `  ${b.account}: next seq ${b.nextSeq}, a lower bound from verified certificates (no quorum of attestations)\n`,
        )
      }),
    )
}

const viewJson = ({ amount, certificate, ...rest }: TransferView) => ({
  ...rest,
  amount: amount.toString(),
  certificate: toHex(certificate),
})

/** `freebird history [ACCOUNT] [--key FILE] [--node ADDR]... [--limit N] [--before MS]`. */
export function historyCommand(): Command {
  return withClientOptions(new Command('history'), false)
    .description("an account's certified transfers, newest first, each certificate verified")
    .argument('[account]', "the account (default: the key's)")
    .option('--limit <n>', 'transfers per page (1 to 499)', '50')
    .option('--before <ms>', 'the `next` a previous page printed')
    .action(
      (account: string | undefined, o: ClientCommandOptions & { limit: string; before?: string }) =>
        withClient(o, async (client, own) => {
          const who = account ?? own
          if (!who) throw new CliError('cli.no_account', 'name an account, or give --key')
          const page = await client.getTransfers(who, {
            limit: Number(o.limit),
            ...(o.before !== undefined ? { before: Number(o.before) } : {}),
          })
          if (o.json) {
            process.stdout.write(
              `${JSON.stringify({ ...page, transfers: page.transfers.map(viewJson) })}\n`,
            )
            return
          }
          if (page.transfers.length === 0) process.stdout.write('(no transfers)\n')
          for (const t of page.transfers) {
            const sign = t.from === page.account ? '-' : '+'
            const other = t.from === page.account ? `to ${t.to}` : `from ${t.from}`
            process.stdout.write(
              `${new Date(t.timestamp).toISOString()}  ${sign}${t.amount}  ${t.kind} ${other}` +
                `${t.memo !== undefined ? `  "${t.memo}"` : ''}\n  seq ${t.seq}  id ${t.id}\n`,
            )
          }
          if (page.next !== undefined) process.stdout.write(`more: --before ${page.next}\n`)
        }),
    )
}
