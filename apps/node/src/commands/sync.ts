import { Command } from 'commander'
import { CliError } from '../cli-error.ts'
import type { SessionStats } from '../sync/session.ts'

interface SyncOptions {
  node: string
  peer?: string
  json?: boolean
}

/** `freebird sync --node URL [--peer ID]`: asks a node to sync now and prints what moved. */
export function syncCommand(): Command {
  return new Command('sync')
    .description(
      'make a node reconcile its messages with a peer now (a random connected one by default)',
    )
    .option('--node <url>', 'node HTTP API', 'http://127.0.0.1:8787')
    .option('--peer <id>', 'peer id to sync with')
    .option('--json', 'print the session as JSON')
    .action(async (options: SyncOptions) => {
      let response: Response
      try {
        response = await fetch(new URL('/v1/sync', options.node), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(options.peer ? { peer: options.peer } : {}),
        })
      } catch (error) {
        throw new CliError(
          'node.unreachable',
          `cannot reach ${options.node}: ${(error as Error).message}`,
        )
      }
      const body = (await response.json()) as SessionStats & { code?: string; message?: string }
      if (!response.ok)
        throw new CliError(body.code ?? 'node.error', body.message ?? `HTTP ${response.status}`)
      if (options.json) {
        process.stdout.write(`${JSON.stringify(body)}\n`)
      } else {
        process.stdout.write(
          [
            `peer     ${body.peer}`,
            `rounds   ${body.rounds} (${body.bytesSent} bytes sent, ${body.bytesReceived} received)`,
            `fetched  ${body.fetched} of ${body.need} missing here${body.skipped ? ` (${body.skipped} gone for good, skipped)` : ''}`,
            `pushed   ${body.pushed} of ${body.have} missing there`,
            `took     ${body.durationMs} ms`,
            ...(body.error ? [`error    ${body.error.message} (${body.error.code})`] : []),
            '',
          ].join('\n'),
        )
      }
      if (body.error) throw new CliError(body.error.code, `sync failed: ${body.error.message}`)
    })
}
