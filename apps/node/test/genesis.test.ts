import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  generateKeyPair as edKeys,
  formatAccount,
  formatNetworkId,
  keyPairFromSecretKey,
  networkIdFromGenesis,
  parseAccount,
  toHex,
  utf8,
} from '@freebird/protocol'
import { ledgerParams, quorumOf } from '@freebird/protocol/ledger'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { CliError } from '../src/cli-error.ts'
import { genesisCommand } from '../src/commands/genesis.ts'
import { readKeyFile, writeKeyFile } from '../src/commands/key-file.ts'
import { createNetwork, ISSUER_SUPPLY_CAP } from '../src/devnet/create.ts'
import { readRecord, writeRecord } from '../src/devnet/layout.ts'
import { makeGenesis, parseGenesis } from '../src/genesis.ts'

const account = () => formatAccount(edKeys().publicKey)
const codeOf = (text: string) => {
  try {
    parseGenesis(utf8(text))
    return 'ok'
  } catch (error) {
    return (error as CliError).code
  }
}
const base = { freebird: 1, network: 'n', createdAt: '2026-01-01T00:00:00.000Z' }

describe('genesis', () => {
  it('carries a committee and allocations, and its id changes with them', () => {
    const committee = [{ validator: account(), weight: 1, peerId: '12D3KooWpeer' }]
    const allocations = [{ account: account(), amount: '1000000000000000000000' }]
    const createdAt = new Date('2026-01-01T00:00:00Z')
    const text = makeGenesis('devnet', { createdAt, committee, allocations })
    const loaded = parseGenesis(utf8(text))
    expect(loaded.genesis.committee).toEqual(committee)
    expect(loaded.genesis.allocations).toEqual(allocations)
    expect(loaded.networkIdText).not.toBe(
      parseGenesis(utf8(makeGenesis('devnet', { createdAt }))).networkIdText,
    )
  })

  it('refuses malformed ledger parts with genesis.invalid', () => {
    const v = account()
    const cases = [
      { committee: {} },
      { committee: [{ validator: 'not-an-account', weight: 1, peerId: 'p' }] },
      { committee: [{ validator: v, weight: 0, peerId: 'p' }] },
      { committee: [{ validator: v, weight: 1.5, peerId: 'p' }] },
      { committee: [{ validator: v, weight: 1 }] },
      {
        committee: [
          { validator: v, weight: 1, peerId: 'p' },
          { validator: v, weight: 1, peerId: 'q' },
        ],
      },
      { allocations: [{ account: v, amount: 5 }] },
      { allocations: [{ account: v, amount: '-5' }] },
      { allocations: [{ account: v, amount: '007' }] },
      { allocations: [{ account: 'x', amount: '1' }] },
    ]
    for (const extra of cases)
      expect(codeOf(JSON.stringify({ ...base, ...extra }))).toBe('genesis.invalid')
    expect(codeOf(JSON.stringify({ ...base, committee: [], allocations: [] }))).toBe('ok')
  })
})

/** Runs `freebird genesis ARGS` in this process; its stdout, or the CliError's code. */
async function genesisCli(args: string[]): Promise<{ out?: string; code?: string }> {
  const lines: string[] = []
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk))
    return true
  })
  try {
    await genesisCommand().exitOverride().parseAsync(args, { from: 'user' })
    return { out: lines.join('') }
  } catch (error) {
    if (error instanceof CliError) return { code: error.code }
    throw error
  } finally {
    write.mockRestore()
  }
}

const peer = async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()

describe('freebird genesis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'freebird-genesis-'))
  let n = 0
  const outFile = () => join(dir, `net-${n++}.json`)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes the committee, allocations, issuer and cap that ledgerParams reads', async () => {
    const v1 = account()
    const v2 = account()
    // A validator given by its key file: the genesis names its public key.
    const v3File = join(dir, 'v3.key')
    const v3 = writeKeyFile(v3File, edKeys().secretKey)
    const [p1, p2, p3] = [await peer(), await peer(), await peer()]
    const rich = account()
    const issuerFile = join(dir, 'issuer.key')
    const issuer = writeKeyFile(issuerFile, edKeys().secretKey)
    const file = outFile()
    const args = [
      `--out ${file} --network ledger-net`,
      `--validator ${v1}@${p1} --validator ${v2}:3@${p2} --validator ${v3File}:2@${p3}`,
      `--alloc ${rich}=1000000000000000000000 --alloc ${issuerFile}=5`,
      `--issuer ${issuerFile} --supply-cap 777`,
    ]
    const { out, code } = await genesisCli(args.join(' ').split(' '))
    expect(code).toBeUndefined()
    const bytes = readFileSync(file)
    const loaded = parseGenesis(bytes)
    const ledger = ledgerParams(loaded.genesis, loaded.networkId)
    expect(ledger.committee.map((v) => [formatAccount(v.key), v.weight, v.peerId])).toEqual([
      [v1, 1, p1],
      [v2, 3, p2],
      [v3, 2, p3],
    ])
    expect(ledger.totalWeight).toBe(6)
    expect(ledger.quorum).toBe(quorumOf(6))
    expect(ledger.quorum).toBe(5)
    expect(ledger.allocations).toEqual(
      new Map([
        [toHex(parseAccount(rich)), 10n ** 21n],
        [toHex(parseAccount(issuer)), 5n],
      ]),
    )
    expect(ledger.issuer && formatAccount(ledger.issuer)).toBe(issuer)
    expect(ledger.supplyCap).toBe(777n)
    expect(loaded.ledger).toEqual(ledger)
    // The network id is the hash of the file as written, and the summary says it.
    expect(formatNetworkId(networkIdFromGenesis(bytes))).toBe(loaded.networkIdText)
    expect(out).toContain(`id         ${loaded.networkIdText}`)
    expect(out).toContain('committee  3 validators, total weight 6, quorum 5')
    expect(out).toContain('allocated  1000000000000000000005 base units to 2 accounts')
    expect(out).toContain(`issuer     ${issuer}, supply cap 777 base units`)
  })

  it('still writes a plain network without ledger flags', async () => {
    const file = outFile()
    const { out } = await genesisCli(['--out', file, '--network', 'plain'])
    const loaded = parseGenesis(readFileSync(file))
    expect(Object.keys(loaded.genesis)).toEqual(['freebird', 'network', 'createdAt'])
    expect(loaded.ledger.committee).toEqual([])
    expect(out).toContain('issuer     none')
  })

  it('refuses bad input with a stable code and writes nothing', async () => {
    const v = account()
    const p = await peer()
    const missing = join(dir, 'no-such.key')
    const cases: [string[], string][] = [
      [['--validator', `fb1nope@${p}`], 'genesis.invalid_account'],
      [['--validator', `${missing}@${p}`], 'genesis.invalid_account'],
      [['--alloc', 'fb1nope=5'], 'genesis.invalid_account'],
      [['--issuer', 'nobody', '--supply-cap', '1'], 'genesis.invalid_account'],
      [['--validator', v], 'genesis.invalid'],
      [['--validator', `${v}:2`], 'genesis.invalid'],
      [['--validator', `${v}@`], 'genesis.invalid'],
      [['--validator', `${v}@not-a-peer-id`], 'genesis.invalid'],
      [['--validator', `${v}:0@${p}`], 'genesis.invalid_weight'],
      [['--validator', `${v}:1.5@${p}`], 'genesis.invalid_weight'],
      [['--validator', `${v}:-1@${p}`], 'genesis.invalid_weight'],
      [['--validator', `${v}:1000001@${p}`], 'genesis.invalid_weight'],
      [['--validator', `${v}:x@${p}`], 'genesis.invalid_weight'],
      [['--alloc', `${v}=-5`], 'genesis.invalid_amount'],
      [['--alloc', `${v}=1.5`], 'genesis.invalid_amount'],
      [['--alloc', `${v}=007`], 'genesis.invalid_amount'],
      [['--alloc', v], 'genesis.invalid_amount'],
      [['--issuer', v, '--supply-cap', '1e9'], 'genesis.invalid_amount'],
      [['--validator', `${v}@${p}`, '--validator', `${v}:2@${p}`], 'genesis.invalid'],
      [['--alloc', `${v}=1`, '--alloc', `${v}=2`], 'genesis.invalid'],
      [['--supply-cap', '100'], 'genesis.invalid'],
      [['--issuer', v], 'genesis.invalid'],
    ]
    for (const [args, expected] of cases) {
      const file = outFile()
      const { code } = await genesisCli(['--out', file, '--network', 'bad', ...args])
      expect([args, code]).toEqual([args, expected])
      expect(existsSync(file)).toBe(false)
    }
  })

  it('reads issuer and cap, and refuses a cap without an issuer', () => {
    const issuer = account()
    const loaded = parseGenesis(utf8(JSON.stringify({ ...base, issuer, supplyCap: '10' })))
    expect(loaded.ledger.supplyCap).toBe(10n)
    expect(codeOf(JSON.stringify({ ...base, supplyCap: '10' }))).toBe('genesis.invalid')
    expect(codeOf(JSON.stringify({ ...base, issuer }))).toBe('genesis.invalid')
    expect(codeOf(JSON.stringify({ ...base, issuer: 'x', supplyCap: '1' }))).toBe('genesis.invalid')
  })

  it('gives the devnet an issuer key file with a capped supply, recorded in devnet.json', async () => {
    const devnetDir = join(dir, 'devnet')
    const ports = [0, 1].map((i) => ({ tcp: 1000 + 3 * i, ws: 1001 + 3 * i, http: 1002 + 3 * i }))
    const record = await createNetwork({
      dir: devnetDir,
      nodes: 2,
      accounts: 1,
      ports,
      syncIntervalMs: 1000,
    })
    const issuerKey = join(devnetDir, 'accounts', 'issuer.key')
    expect(record.issuer).toEqual({
      account: formatAccount(keyPairFromSecretKey(readKeyFile(issuerKey)).publicKey),
      keyFile: issuerKey,
      supplyCap: ISSUER_SUPPLY_CAP,
    })
    const { ledger, networkIdText } = parseGenesis(readFileSync(record.genesisFile))
    expect(networkIdText).toBe(record.networkId)
    expect(ledger.issuer && formatAccount(ledger.issuer)).toBe(record.issuer?.account)
    expect(ledger.supplyCap).toBe(BigInt(ISSUER_SUPPLY_CAP))
    expect(ledger.committee.map((v) => v.peerId)).toEqual(record.nodes.map((n) => n.peerId))
    expect(ledger.quorum).toBe(2)
    // A record from before the issuer still reads.
    writeRecord(devnetDir, { ...record, issuer: undefined } as unknown as typeof record)
    expect(readRecord(devnetDir)?.issuer).toBeUndefined()
  })
})
