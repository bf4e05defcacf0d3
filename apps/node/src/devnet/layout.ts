import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CliError } from '../cli-error.ts'

/** One node of a devnet as written to devnet.json. */
export interface DevnetNodeRecord {
  name: string
  peerId: string
  /** The node's validator key (account text); it is in the genesis committee. */
  validator: string
  validatorKeyFile: string
  ports: { tcp: number; ws: number; http: number }
  multiaddrs: { tcp: string; ws: string }
  http: string
  dataDir: string
  logFile: string
  /** The running process, or null while the node is down. */
  pid: number | null
}

/** A funded demo account: its key file signs for it. */
export interface DemoAccount {
  account: string
  keyFile: string
  /** Genesis allocation in base units (decimal string). */
  balance: string
}

/** The account that may mint rewards; its key file signs for it. */
export interface DevnetIssuer {
  account: string
  keyFile: string
  /** Most it may mint in all, in base units (decimal string). */
  supplyCap: string
}

/** DIR/devnet.json: everything a user or a script needs to reach the devnet. */
export interface DevnetRecord {
  freebirdDevnet: 1
  network: string
  networkId: string
  genesisFile: string
  syncIntervalMs: number
  /** Pid of the devnet process, or null once it stopped. */
  pid: number | null
  nodes: DevnetNodeRecord[]
  accounts: DemoAccount[]
  /** Absent from records written before the ledger had an issuer. */
  issuer?: DevnetIssuer
}

export const paths = (dir: string) => ({
  record: join(dir, 'devnet.json'),
  genesis: join(dir, 'genesis.json'),
  accounts: join(dir, 'accounts'),
  issuerKey: join(dir, 'accounts', 'issuer.key'),
  node: (name: string) => join(dir, 'nodes', name),
})

/** `lenient`: an unreadable record is as good as none (it is about to be deleted). */
export function readRecord(dir: string, o: { lenient?: boolean } = {}): DevnetRecord | undefined {
  const file = paths(dir).record
  if (!existsSync(file)) return undefined
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as DevnetRecord
    if (record.freebirdDevnet !== 1 || !Array.isArray(record.nodes)) throw new Error('not a devnet')
    return record
  } catch (error) {
    if (o.lenient) return undefined
    throw new CliError(
      'devnet.corrupt',
      `${file} is not a devnet record (${(error as Error).message}); start over with --reset`,
    )
  }
}

/** Written whole then renamed, so a reader never sees half a file. */
export function writeRecord(dir: string, record: DevnetRecord): void {
  const file = paths(dir).record
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`)
  renameSync(`${file}.tmp`, file)
}

/** Is a process with this pid alive (and ours to signal)? */
export function alive(pid: number | null | undefined): boolean {
  if (!pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
