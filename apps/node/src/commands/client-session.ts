import {
  type Client,
  ClientError,
  type ClientOptions,
  createClient,
  type SubmitResult,
} from '@freebird/client'
import { createNodeSigner } from '@freebird/node-verifier'
import { FreebirdError, formatAccount } from '@freebird/protocol'
import { type Command, Option } from 'commander'
import { CliError } from '../cli-error.ts'
import { readKeyFile } from './key-file.ts'

/** Options every client command takes. */
export interface ClientCommandOptions {
  key?: string
  node: string[]
  account?: string
  reads?: string
  json?: boolean
}

const DEFAULT_NODE = 'http://127.0.0.1:8787'

/** Adds --key, --node (repeatable: a multiaddr or URL), --account, --reads and --json. */
export function withClientOptions(command: Command, keyRequired: boolean): Command {
  const key = new Option('--key <file>', 'key file (from `freebird keygen --out`)')
  if (keyRequired) key.makeOptionMandatory()
  return command
    .addOption(key)
    .option(
      '--node <addr>',
      `a node: multiaddr (libp2p) or HTTP URL; repeat for several (default ${DEFAULT_NODE})`,
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--account <fb1...>', 'the account the key signs for, when it is an app key')
    .option('--reads <k>', 'nodes each read asks (default 2)')
    .option('--json', 'print JSON')
}

/** The code a person should see: the protocol's or node's own code when the client wraps one. */
function cliErrorOf(error: ClientError): CliError {
  // A ledger refusal shows the ledger's code (ledger.insufficient_balance, ...).
  if (error.code === 'client.refused' && error.reason)
    return new CliError(error.reason, error.message)
  const cause = error.cause
  if (cause instanceof FreebirdError) return new CliError(cause.code, cause.message)
  if (error.code === 'client.rejected' && Array.isArray(cause) && cause[0]) {
    const first = cause[0] as { code: string; message: string }
    return new CliError(first.code, first.message)
  }
  return new CliError(error.code, error.message)
}

/**
 * Runs `fn` with a light client over the given nodes; warnings about nodes
 * that withheld or lied go to stderr, and the client is closed afterwards.
 * `extra` adds client options (a store for transfers).
 */
export async function withClient<T>(
  options: ClientCommandOptions,
  fn: (client: Client, account: string | undefined) => Promise<T>,
  extra: Pick<ClientOptions, 'store'> = {},
): Promise<T> {
  const signer = options.key ? createNodeSigner(readKeyFile(options.key)) : undefined
  const reads = options.reads === undefined ? undefined : Number(options.reads)
  let client: Client
  try {
    client = createClient({
      nodes: options.node.length > 0 ? options.node : [DEFAULT_NODE],
      ...(signer ? { signer } : {}),
      ...(options.account ? { account: options.account } : {}),
      ...(reads ? { reads } : {}),
      ...extra,
      onWithheld: ({ node, ids }) =>
        process.stderr.write(`warning: ${node} withheld ${ids.length} message(s)\n`),
      onFault: ({ node, code, message }) =>
        process.stderr.write(`warning: ${node}: ${message} (${code})\n`),
    })
  } catch (error) {
    if (error instanceof ClientError) throw cliErrorOf(error)
    throw error
  }
  const account = options.account ?? (signer ? formatAccount(signer.publicKey) : undefined)
  try {
    return await fn(client, account)
  } catch (error) {
    if (error instanceof ClientError) throw cliErrorOf(error)
    throw error
  } finally {
    await client.close()
  }
}

/** Prints a submission: its id (human) or the whole result (JSON). */
export function printSubmit(result: SubmitResult, json: boolean | undefined): void {
  if (json) {
    const { message: _message, ...rest } = result
    process.stdout.write(`${JSON.stringify(rest)}\n`)
    return
  }
  process.stdout.write(`${result.id}\n`)
  for (const r of result.refused) {
    process.stderr.write(`warning: ${r.node} refused it: ${r.message} (${r.code})\n`)
  }
  for (const node of result.failed) process.stderr.write(`warning: ${node} could not be reached\n`)
}
