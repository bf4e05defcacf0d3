import { Command } from 'commander'
import logUpdate from 'log-update'
import { CliError } from '../cli-error.ts'
import { type Devnet, startDevnet } from '../devnet/devnet.ts'
import { renderIntro, renderStatus } from '../devnet/render.ts'
import { StatusTracker } from '../devnet/status.ts'

interface DevnetFlags {
  nodes?: string
  dir: string
  basePort?: string
  accounts?: string
  reset?: boolean
  json?: boolean
  syncInterval?: string
  logLevel?: string
}

const integer = (name: string, text: string | undefined) => {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isInteger(n)) throw new CliError('config.invalid', `${name} must be a whole number`)
  return n
}

/** `freebird devnet`: a local network of N node processes with a live status table. */
export function devnetCommand(): Command {
  return new Command('devnet')
    .description('start a local network of N nodes (new, or the one already in --dir)')
    .option('--nodes <n>', 'number of nodes (default 4, or as many as the network in --dir has)')
    .option('--dir <dir>', 'where the network lives', './freebird-devnet')
    .option(
      '--base-port <port>',
      'node i uses port+3i (TCP), +1 (WebSockets), +2 (HTTP); default 7900',
    )
    .option('--accounts <m>', 'funded demo accounts with key files (default 4)')
    .option('--reset', 'delete the network in --dir and make a new one')
    .option('--sync-interval <ms>', 'nodes sync with a random peer this often (default 5000)')
    .option(
      '--log-level <level>',
      "the nodes' log level, logged to nodes/<name>/node.log (default info)",
    )
    .option('--json', 'print events as JSON lines instead of the table')
    .action(async (flags: DevnetFlags) => {
      const json = flags.json === true
      const emit = (event: Record<string, unknown>) =>
        process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`)
      // Handled from the start: a Ctrl-C while the nodes start still stops them cleanly.
      const signalled = new Promise<string>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
          process.once(signal, () => resolve(signal))
      })
      if (json) emit({ event: 'starting', dir: flags.dir })
      else process.stdout.write(`starting the devnet in ${flags.dir} ...\n`)
      const devnet = await startDevnet({
        dir: flags.dir,
        nodes: integer('--nodes', flags.nodes),
        accounts: integer('--accounts', flags.accounts),
        basePort: integer('--base-port', flags.basePort),
        reset: flags.reset === true,
        syncIntervalMs: integer('--sync-interval', flags.syncInterval),
        logLevel: flags.logLevel,
      })
      if (json) emit({ event: 'ready', ...devnet.record })
      else process.stdout.write(`${renderIntro(devnet.record, devnet.dir)}\n`)
      await watch(devnet, json, emit, signalled)
    })
}

/** Shows the status until SIGINT/SIGTERM, then stops every node; exits 0. */
async function watch(
  devnet: Devnet,
  json: boolean,
  emit: (event: Record<string, unknown>) => void,
  signalled: Promise<string>,
): Promise<void> {
  const tracker = new StatusTracker(devnet.syncIntervalMs)
  // log-update draws nothing on a terminal that reports no width.
  const live = !json && process.stdout.isTTY && (process.stdout.columns ?? 0) > 0
  let alerted = false
  let ticks = 0
  devnet.on('exit', (node, code, signal) => {
    if (devnet.stopping) return
    const event = { event: 'node_exited', node: node.name, code, signal }
    if (json) emit(event)
    else if (!live) process.stdout.write(`${node.name} exited (${signal ?? code})\n`)
  })
  const tick = async () => {
    const status = tracker.add(await devnet.sample())
    if (devnet.stopping) return
    if (json) {
      emit({ event: 'status', ...status })
      if (Boolean(status.alert) !== alerted)
        emit({ event: status.alert ? 'diverged' : 'converged' })
    } else if (live) {
      logUpdate(renderStatus(status))
    } else if (ticks % 10 === 0 || Boolean(status.alert) !== alerted) {
      // Not a terminal (a log file, CI): a table every 10 s, and on every alert change.
      process.stdout.write(`${renderStatus(status)}\n\n`)
    }
    alerted = Boolean(status.alert)
    ticks++
  }
  let busy = false
  const timer = setInterval(() => {
    // A slow sample (a node under load answers late) is not stacked on by the next.
    if (busy) return
    busy = true
    tick()
      .catch(() => {})
      .finally(() => {
        busy = false
      })
  }, 1_000)
  await tick()
  const signal = await signalled
  clearInterval(timer)
  if (live) logUpdate.done()
  if (json) emit({ event: 'stopping', signal })
  else process.stdout.write(`${signal}: stopping ${devnet.nodes.length} nodes ...\n`)
  await devnet.stop()
  if (json) emit({ event: 'stopped' })
  else process.stdout.write('devnet stopped\n')
}
