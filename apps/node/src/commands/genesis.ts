import { existsSync, writeFileSync } from 'node:fs'
import {
  FreebirdError,
  formatAccount,
  keyPairFromSecretKey,
  parseAccount,
} from '@freebird/protocol'
import type { LedgerParams } from '@freebird/protocol/ledger'
import { peerIdFromString } from '@libp2p/peer-id'
import { Command } from 'commander'
import { CliError } from '../cli-error.ts'
import {
  type Allocation,
  type CommitteeMember,
  type GenesisParts,
  makeGenesis,
  parseGenesis,
} from '../genesis.ts'
import { readKeyFile } from './key-file.ts'

export interface GenesisFlags {
  out: string
  network: string
  validator?: string[]
  alloc?: string[]
  issuer?: string
  supplyCap?: string
}

/** A whole number of base units, as the genesis file writes it (no sign, no leading zeros). */
const AMOUNT = /^(0|[1-9][0-9]{0,38})$/
const MAX_WEIGHT = 1_000_000

/**
 * Account text (fb1..., written back in canonical form) or a key file, whose
 * public key is the account. Anything else is `genesis.invalid_account`.
 */
export function accountArg(flag: string, text: string): string {
  try {
    return formatAccount(parseAccount(text))
  } catch {}
  if (!existsSync(text)) {
    throw new CliError(
      'genesis.invalid_account',
      `${flag} ${text}: neither an account (fb1...) nor a key file`,
    )
  }
  try {
    return formatAccount(keyPairFromSecretKey(readKeyFile(text)).publicKey)
  } catch (error) {
    if (error instanceof FreebirdError)
      throw new CliError('key.invalid', `${text}: ${error.message}`)
    throw error
  }
}

/** `what` names the flag and its whole value, for the error line. */
function amountArg(what: string, text: string): string {
  if (!AMOUNT.test(text)) {
    throw new CliError(
      'genesis.invalid_amount',
      `${what}: an amount is a whole number of base units (digits only, no leading zeros)`,
    )
  }
  return text
}

/** `KEY[:WEIGHT]@PEERID`: the peer id is where clients send the validator orders. */
export function validatorArg(spec: string): CommitteeMember {
  const at = spec.lastIndexOf('@')
  if (at < 0 || at === spec.length - 1) {
    throw new CliError(
      'genesis.invalid',
      `--validator ${spec}: needs the validator node's peer id, as KEY[:WEIGHT]@PEERID`,
    )
  }
  const rawPeer = spec.slice(at + 1)
  let peerId: string
  try {
    peerId = peerIdFromString(rawPeer).toString()
  } catch {
    throw new CliError('genesis.invalid', `--validator ${spec}: ${rawPeer} is not a libp2p peer id`)
  }
  let key = spec.slice(0, at)
  let weight = 1
  const colon = key.lastIndexOf(':')
  // A suffix with a path separator belongs to a key file's path, not a weight.
  if (colon >= 0 && !/[\\/]/.test(key.slice(colon + 1))) {
    const text = key.slice(colon + 1)
    weight = Number(text)
    if (!/^[1-9][0-9]{0,6}$/.test(text) || weight > MAX_WEIGHT) {
      throw new CliError(
        'genesis.invalid_weight',
        `--validator ${spec}: the weight is a whole number from 1 to ${MAX_WEIGHT}`,
      )
    }
    key = key.slice(0, colon)
  }
  return { validator: accountArg('--validator', key), weight, peerId }
}

export function allocationArg(spec: string): Allocation {
  const eq = spec.lastIndexOf('=')
  if (eq < 0) {
    throw new CliError('genesis.invalid_amount', `--alloc ${spec}: expected ACCOUNT=AMOUNT`)
  }
  return {
    account: accountArg('--alloc', spec.slice(0, eq)),
    amount: amountArg(`--alloc ${spec}`, spec.slice(eq + 1)),
  }
}

function once<T>(items: T[], keyOf: (item: T) => string, flag: string): T[] {
  const seen = new Set<string>()
  for (const item of items) {
    const key = keyOf(item)
    if (seen.has(key)) throw new CliError('genesis.invalid', `${flag}: ${key} is given twice`)
    seen.add(key)
  }
  return items
}

/** The genesis parts the flags describe; every input error is a CliError with a stable code. */
export function genesisParts(flags: Omit<GenesisFlags, 'out' | 'network'>): GenesisParts {
  if (flags.supplyCap !== undefined && flags.issuer === undefined)
    throw new CliError('genesis.invalid', '--supply-cap needs --issuer (the account that mints)')
  if (flags.issuer !== undefined && flags.supplyCap === undefined)
    throw new CliError('genesis.invalid', '--issuer needs --supply-cap (the most it may mint)')
  const committee = once(
    (flags.validator ?? []).map(validatorArg),
    (m) => m.validator,
    '--validator',
  )
  const allocations = once((flags.alloc ?? []).map(allocationArg), (a) => a.account, '--alloc')
  return {
    ...(committee.length > 0 ? { committee } : {}),
    ...(allocations.length > 0 ? { allocations } : {}),
    ...(flags.issuer !== undefined && flags.supplyCap !== undefined
      ? {
          issuer: accountArg('--issuer', flags.issuer),
          supplyCap: amountArg(`--supply-cap ${flags.supplyCap}`, flags.supplyCap),
        }
      : {}),
  }
}

export function genesisSummary(file: string, networkIdText: string, ledger: LedgerParams): string {
  const allocated = [...ledger.allocations.values()].reduce((sum, a) => sum + a, 0n)
  const n = ledger.committee.length
  return [
    `id         ${networkIdText}`,
    `file       ${file}`,
    n === 0
      ? 'committee  none (the ledger refuses every transfer)'
      : `committee  ${n} validator${n === 1 ? '' : 's'}, total weight ${ledger.totalWeight}, quorum ${ledger.quorum}`,
    `allocated  ${allocated} base units to ${ledger.allocations.size} account${ledger.allocations.size === 1 ? '' : 's'}`,
    ledger.issuer
      ? `issuer     ${formatAccount(ledger.issuer)}, supply cap ${ledger.supplyCap} base units`
      : 'issuer     none (no minting)',
  ].join('\n')
}

const collect = (value: string, previous: string[] = []) => [...previous, value]

/**
 * `freebird genesis --out FILE --network NAME [--validator KEY[:WEIGHT]@PEERID]...
 * [--alloc ACCOUNT=AMOUNT]... [--issuer ACCOUNT --supply-cap N]`: defines a new network.
 */
export function genesisCommand(): Command {
  return new Command('genesis')
    .description('write a genesis file: the definition (and so the id) of a network')
    .requiredOption('--out <file>', 'where to write it (never overwritten)')
    .requiredOption('--network <name>', 'network name (a-z, 0-9, -)')
    .option(
      '--validator <key[:weight]@peerid>',
      'a ledger validator (repeatable): account fb1... or key file, weight (default 1), its node peer id',
      collect,
    )
    .option(
      '--alloc <account=amount>',
      'a genesis balance in base units (repeatable); account fb1... or key file',
      collect,
    )
    .option('--issuer <account>', 'the account that may mint rewards (fb1... or key file)')
    .option('--supply-cap <n>', 'most the issuer may mint in all, in base units')
    .action((options: GenesisFlags) => {
      const text = makeGenesis(options.network, genesisParts(options))
      try {
        writeFileSync(options.out, text, { flag: 'wx' })
      } catch (error) {
        throw new CliError(
          'genesis.unwritable',
          `cannot write ${options.out}: ${(error as Error).message}`,
        )
      }
      const loaded = parseGenesis(new TextEncoder().encode(text))
      process.stdout.write(
        `network    ${options.network}\n${genesisSummary(options.out, loaded.networkIdText, loaded.ledger)}\n`,
      )
    })
}
