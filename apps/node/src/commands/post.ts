import { createNodeSigner } from '@freebird/node-verifier'
import { buildPostAdd, FreebirdError, fromHex, ID_BYTES, parseNetworkId } from '@freebird/protocol'
import { Command } from 'commander'
import { CliError } from '../cli-error.ts'
import { readKeyFile } from './key-file.ts'

interface PostOptions {
  key: string
  node: string
  replyTo?: string
}

/** Asks the node which network it is on (the message must be signed for it). */
async function networkOf(node: string): Promise<Uint8Array> {
  let response: Response
  try {
    response = await fetch(new URL('/v1/info', node))
  } catch (error) {
    throw new CliError('node.unreachable', `cannot reach ${node}: ${(error as Error).message}`)
  }
  if (!response.ok) throw new CliError('node.error', `${node}/v1/info answered ${response.status}`)
  const info = (await response.json()) as { network: string }
  return parseNetworkId(info.network)
}

/** Builds, signs locally and submits a post; prints its id. */
async function submitPost(text: string, options: PostOptions): Promise<void> {
  const signer = createNodeSigner(readKeyFile(options.key))
  const network = await networkOf(options.node)
  let bytes: Uint8Array
  let id: string
  try {
    const parent = options.replyTo ? fromHex(options.replyTo, ID_BYTES) : undefined
    const m = buildPostAdd(parent ? { text, parent } : { text }, { network, signer })
    bytes = m.bytes
    id = Buffer.from(m.id).toString('hex')
  } catch (error) {
    if (error instanceof FreebirdError) throw new CliError(error.code, error.message)
    throw error
  }
  const response = await fetch(new URL('/v1/messages', options.node), {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  })
  const body = (await response.json()) as { id?: string; code?: string; message?: string }
  if (!response.ok)
    throw new CliError(body.code ?? 'node.error', body.message ?? `HTTP ${response.status}`)
  process.stdout.write(`${body.id ?? id}\n`)
}

const withPostOptions = (command: Command) =>
  command
    .requiredOption('--key <file>', 'key file (from `freebird keygen --out`)')
    .option('--node <url>', 'node HTTP API', 'http://127.0.0.1:8787')

/** `freebird post --key FILE --node URL [--reply-to ID] TEXT`. */
export function postCommand(): Command {
  return withPostOptions(new Command('post'))
    .description('sign a post locally and submit it to a node; prints its id')
    .argument('<text>', 'post text (at most 1,024 UTF-8 bytes)')
    .option('--reply-to <id>', 'id of the post this replies to')
    .action((text: string, options: PostOptions) => submitPost(text, options))
}

/** `freebird reply --key FILE --node URL ID TEXT`. */
export function replyCommand(): Command {
  return withPostOptions(new Command('reply'))
    .description('sign a reply locally and submit it; prints its id')
    .argument('<id>', 'id of the post to reply to')
    .argument('<text>', 'reply text')
    .action((id: string, text: string, options: PostOptions) =>
      submitPost(text, { ...options, replyTo: id }),
    )
}
