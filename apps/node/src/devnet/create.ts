import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateKeyPair } from '@freebird/protocol'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { writeKeyFile } from '../commands/key-file.ts'
import { makeGenesis, parseGenesis } from '../genesis.ts'
import { loadOrCreatePeerKey } from '../identity.ts'
import type { DemoAccount, DevnetIssuer, DevnetNodeRecord, DevnetRecord } from './layout.ts'
import { paths } from './layout.ts'
import { type NodePorts, nodeAddresses } from './ports.ts'

/** Each demo account's genesis allocation, in base units. */
export const DEMO_BALANCE = '1000000000'

/** Most the devnet's issuer may mint in all, in base units. */
export const ISSUER_SUPPLY_CAP = '1000000000000'

export interface CreateNetworkOptions {
  dir: string
  nodes: number
  accounts: number
  ports: NodePorts[]
  syncIntervalMs: number
}

/**
 * Makes a new network in `dir`: per node a data dir holding its libp2p key and
 * validator key; demo account key files; a genesis whose committee is the
 * nodes' validator keys (weight 1 each, with their peer ids) and which funds
 * the demo accounts; an issuer key file (accounts/issuer.key) whose account
 * may mint up to ISSUER_SUPPLY_CAP. Peer keys come first because the committee names them.
 */
export async function createNetwork(o: CreateNetworkOptions): Promise<DevnetRecord> {
  const p = paths(o.dir)
  mkdirSync(p.accounts, { recursive: true })
  const nodes: DevnetNodeRecord[] = []
  for (let i = 0; i < o.nodes; i++) {
    const name = `node-${i}`
    const dataDir = p.node(name)
    mkdirSync(dataDir, { recursive: true })
    const peerId = peerIdFromPrivateKey(await loadOrCreatePeerKey(dataDir)).toString()
    const validatorKeyFile = join(dataDir, 'validator.key')
    const validator = writeKeyFile(validatorKeyFile, generateKeyPair().secretKey)
    const ports = o.ports[i] as NodePorts
    nodes.push({
      name,
      peerId,
      validator,
      validatorKeyFile,
      ...nodeAddresses(ports, peerId),
      dataDir,
      logFile: join(dataDir, 'node.log'),
      pid: null,
    })
  }
  const accounts: DemoAccount[] = []
  for (let j = 0; j < o.accounts; j++) {
    const keyFile = join(p.accounts, `account-${j}.key`)
    accounts.push({
      account: writeKeyFile(keyFile, generateKeyPair().secretKey),
      keyFile,
      balance: DEMO_BALANCE,
    })
  }
  const issuer: DevnetIssuer = {
    account: writeKeyFile(p.issuerKey, generateKeyPair().secretKey),
    keyFile: p.issuerKey,
    supplyCap: ISSUER_SUPPLY_CAP,
  }
  const text = makeGenesis('devnet', {
    committee: nodes.map((n) => ({ validator: n.validator, weight: 1, peerId: n.peerId })),
    allocations: accounts.map((a) => ({ account: a.account, amount: a.balance })),
    issuer: issuer.account,
    supplyCap: issuer.supplyCap,
  })
  writeFileSync(p.genesis, text, { flag: 'wx' })
  return {
    freebirdDevnet: 1,
    network: 'devnet',
    networkId: parseGenesis(new TextEncoder().encode(text)).networkIdText,
    genesisFile: p.genesis,
    syncIntervalMs: o.syncIntervalMs,
    pid: null,
    nodes,
    accounts,
    issuer,
  }
}
