import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { multiaddr } from '@multiformats/multiaddr'
import { CliError } from './cli-error.ts'

/** Everything `freebird node` can be told; flags > FREEBIRD_* env > config file > defaults. */
export interface NodeConfig {
  /** Data directory: LevelDB, peer key. */
  data: string
  /** libp2p listen multiaddrs. */
  listen: string[]
  /** HTTP API host:port ("off" disables it). */
  http: string
  /** Multiaddrs (with /p2p/<peer id>) to dial at start. */
  bootstrap: string[]
  /** Genesis file; the built-in local development network when absent. */
  genesis?: string
  logLevel: string
  /** Signature-verification worker threads. */
  verifyThreads: number
  /** Sync with a random peer this often, in ms (0: only on connect and on demand). */
  syncInterval: number
  /** Key file of this node's ledger validator; DATA/validator.key when absent and that file exists. */
  validatorKey?: string
}

export const DEFAULTS: NodeConfig = {
  data: './freebird-data',
  listen: ['/ip4/0.0.0.0/tcp/7878', '/ip4/0.0.0.0/tcp/7879/ws'],
  http: '127.0.0.1:8787',
  bootstrap: [],
  logLevel: 'info',
  // One per core: the main thread (decode, store, network) is under half busy
  // at full load and waits on I/O, so leaving it a core of its own idles that
  // core (on 2 cores, 1 thread: 13,300 msg/s; 2: 14,800). More than 8 isolates
  // only cost memory.
  verifyThreads: Math.min(8, availableParallelism()),
  syncInterval: 30_000,
}

const LISTS = new Set(['listen', 'bootstrap'])
const ENV: Record<string, keyof NodeConfig> = {
  FREEBIRD_DATA: 'data',
  FREEBIRD_LISTEN: 'listen',
  FREEBIRD_HTTP: 'http',
  FREEBIRD_BOOTSTRAP: 'bootstrap',
  FREEBIRD_GENESIS: 'genesis',
  FREEBIRD_LOG_LEVEL: 'logLevel',
  FREEBIRD_VERIFY_THREADS: 'verifyThreads',
  FREEBIRD_SYNC_INTERVAL: 'syncInterval',
  FREEBIRD_VALIDATOR_KEY: 'validatorKey',
}

function fromEnv(env: NodeJS.ProcessEnv): Partial<NodeConfig> {
  const out: Record<string, unknown> = {}
  for (const [name, key] of Object.entries(ENV)) {
    const value = env[name]
    if (value === undefined || value === '') continue
    out[key] = LISTS.has(key)
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : value
  }
  return out as Partial<NodeConfig>
}

function fromFile(file: string): Partial<NodeConfig> {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new CliError(
      'config.invalid',
      `cannot read config file ${file}: ${(error as Error).message}`,
    )
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError('config.invalid', `config file ${file} must hold a JSON object`)
  }
  for (const key of Object.keys(parsed)) {
    if (!(key in DEFAULTS) && key !== 'genesis' && key !== 'validatorKey') {
      throw new CliError('config.unknown_key', `config file ${file}: unknown key "${key}"`)
    }
  }
  return parsed as Partial<NodeConfig>
}

/** Merges the sources; lists from a higher source replace (not extend) lower ones. */
export function resolveConfig(
  flags: Partial<NodeConfig> & { config?: string },
  env: NodeJS.ProcessEnv = process.env,
): NodeConfig {
  const file = flags.config ?? env.FREEBIRD_CONFIG
  const merged = { ...DEFAULTS, ...(file ? fromFile(file) : {}), ...fromEnv(env) } as NodeConfig
  for (const [key, value] of Object.entries(flags)) {
    if (key === 'config' || value === undefined) continue
    if (Array.isArray(value) && value.length === 0) continue
    ;(merged as unknown as Record<string, unknown>)[key] = value
  }
  for (const [name, list] of [
    ['listen', merged.listen],
    ['bootstrap', merged.bootstrap],
  ] as const) {
    for (const text of list) {
      try {
        multiaddr(text)
      } catch (error) {
        throw new CliError(
          'config.invalid',
          `${name}: "${text}" is not a multiaddr (${(error as Error).message})`,
        )
      }
    }
  }
  const threads = Number(merged.verifyThreads)
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new CliError('config.invalid', 'verifyThreads must be an integer from 1 to 64')
  }
  merged.verifyThreads = threads
  const interval = Number(merged.syncInterval)
  if (!Number.isInteger(interval) || interval < 0) {
    throw new CliError('config.invalid', 'syncInterval must be a whole number of ms (0: off)')
  }
  merged.syncInterval = interval
  return merged
}
