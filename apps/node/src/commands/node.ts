import { Command } from 'commander'
import { CliError } from '../cli-error.ts'
import { type NodeConfig, resolveConfig } from '../config.ts'
import { createLogger, type Logger } from '../logger.ts'
import { createNode, type FreebirdNode } from '../node.ts'

const collect = (value: string, previous: string[] = []) => [...previous, value]

interface NodeFlags {
  data?: string
  listen?: string[]
  http?: string
  bootstrap?: string[]
  genesis?: string
  config?: string
  logLevel?: string
  verifyThreads?: string
  syncInterval?: string
  validatorKey?: string
}

/** Starts the node; the usual reasons it cannot start become one-line errors with a code. */
async function startNode(config: NodeConfig, log: Logger): Promise<FreebirdNode> {
  let node: FreebirdNode | undefined
  try {
    node = await createNode(config, log)
    await node.start()
    return node
  } catch (error) {
    // Whatever did start (worker threads, libp2p, LevelDB) must not keep the process up.
    await node?.stop().catch(() => {})
    const e = error as {
      name?: string
      code?: string
      cause?: { code?: string }
      message?: string
    }
    // The HTTP server fails with EADDRINUSE itself; libp2p wraps it in one error for all addresses.
    if (e.code === 'EADDRINUSE' || e.message?.includes('EADDRINUSE')) {
      const busy = /address already in use [^\s]+/.exec(e.message ?? '')?.[0] ?? e.message
      throw new CliError('node.address_in_use', `a listen address is already in use: ${busy}`)
    }
    if (e.name === 'UnsupportedListenAddressesError') {
      throw new CliError(
        'node.listen_failed',
        e.message?.replaceAll(/\s+/g, ' ') ?? 'cannot listen',
      )
    }
    if (e.code === 'LEVEL_DATABASE_NOT_OPEN' || e.cause?.code === 'LEVEL_LOCKED') {
      throw new CliError(
        'node.data_locked',
        `cannot open ${config.data}: is another node using it? (${e.cause ?? e.message})`,
      )
    }
    throw error
  }
}

/** `freebird node`: runs a full node until SIGINT/SIGTERM. */
export function nodeCommand(): Command {
  return new Command('node')
    .description('run a full node: libp2p gossip, LevelDB store, HTTP API')
    .option(
      '--data <dir>',
      'data directory (store and peer key) [FREEBIRD_DATA] (default ./freebird-data)',
    )
    .option(
      '--listen <multiaddr>',
      'libp2p listen address, repeatable [FREEBIRD_LISTEN, comma-separated]',
      collect,
    )
    .option(
      '--http <host:port>',
      'HTTP API address, or "off" [FREEBIRD_HTTP] (default 127.0.0.1:8787)',
    )
    .option(
      '--bootstrap <multiaddr>',
      'peer to dial at start (with /p2p/<id>), repeatable [FREEBIRD_BOOTSTRAP]',
      collect,
    )
    .option(
      '--genesis <file>',
      'genesis file of the network to join [FREEBIRD_GENESIS] (default: local dev network)',
    )
    .option('--config <file>', 'JSON config file with the same keys [FREEBIRD_CONFIG]')
    .option(
      '--log-level <level>',
      'trace, debug, info, warn, error [FREEBIRD_LOG_LEVEL] (default info)',
    )
    .option(
      '--verify-threads <n>',
      'signature verification worker threads [FREEBIRD_VERIFY_THREADS] (default: one per core, at most 8)',
    )
    .option(
      '--sync-interval <ms>',
      'sync with a random peer this often, 0 = only on connect [FREEBIRD_SYNC_INTERVAL] (default 30000)',
    )
    .option(
      '--validator-key <file>',
      "the ledger validator's key file [FREEBIRD_VALIDATOR_KEY] (default: DATA/validator.key when it exists)",
    )
    .action(async (flags: NodeFlags) => {
      const config = resolveConfig({
        ...(flags.data ? { data: flags.data } : {}),
        ...(flags.listen ? { listen: flags.listen } : {}),
        ...(flags.http ? { http: flags.http } : {}),
        ...(flags.bootstrap ? { bootstrap: flags.bootstrap } : {}),
        ...(flags.genesis ? { genesis: flags.genesis } : {}),
        ...(flags.config ? { config: flags.config } : {}),
        ...(flags.logLevel ? { logLevel: flags.logLevel } : {}),
        ...(flags.verifyThreads ? { verifyThreads: Number(flags.verifyThreads) } : {}),
        ...(flags.syncInterval ? { syncInterval: Number(flags.syncInterval) } : {}),
        ...(flags.validatorKey ? { validatorKey: flags.validatorKey } : {}),
      })
      const log = createLogger(config.logLevel)
      const node = await startNode(config, log)
      if (process.stdout.isTTY) {
        process.stdout.write(
          [
            '',
            `  Freebird node on ${node.genesis.genesis.network} (${node.genesis.networkIdText})`,
            `  peer id  ${node.peerId}`,
            ...node.multiaddrs().map((a) => `  listen   ${a}`),
            `  http     ${node.httpUrl() ?? 'off'}`,
            `  data     ${config.data}`,
            '',
          ].join('\n'),
        )
      }
      await new Promise<void>((resolve) => {
        let stopping = false
        const stop = (signal: string) => {
          if (stopping) return
          stopping = true
          log.info({ signal }, 'stopping')
          // A second signal, or a stop that hangs, ends the process anyway.
          setTimeout(() => process.exit(1), 10_000).unref()
          node.stop().then(resolve, (error) => {
            log.error({ err: error }, 'stop failed')
            process.exitCode = 1
            resolve()
          })
        }
        // SIGHUP: the terminal it ran in closed.
        for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
          process.once(signal, () => stop(signal))
        }
        // Started with an IPC channel (by `freebird devnet`): the channel is the
        // parent's lifeline. It closes when the parent dies, even by SIGKILL.
        if (process.channel) {
          process.channel.unref()
          process.once('disconnect', () => stop('parent exited'))
        }
      })
    })
}
