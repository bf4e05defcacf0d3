import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Devnet, type DevnetNode, startDevnet } from '@freebird/node'
import { createNodeSigner, createNodeVerifier } from '@freebird/node-verifier'
import {
  encodeCanonical,
  formatAccount,
  fromHex,
  parseAccount,
  parseNetworkId,
  parseSecretKey,
  type Signer,
  toHex,
} from '@freebird/protocol'
import {
  type BalanceAttestation,
  buildCertificate,
  buildTransferOrder,
  type Certificate,
  decodeBalanceAttestation,
  decodeVote,
  type LedgerGenesis,
  type LedgerParams,
  ledgerParams,
  signVote,
  type TransferJson,
  type TransferOrder,
  type TransferOrderInput,
  type Vote,
} from '@freebird/protocol/ledger'
import { metricAt, waitFor } from './harness.ts'

/**
 * The token ledger driven the way a wallet would, but by hand: orders built
 * and signed here, votes fetched from each validator over HTTP, certificates
 * formed here and pushed to nodes. No light client: every step is visible.
 */

/** Ed25519 checks through node:crypto: certificates are built by the thousand here. */
export const verify = createNodeVerifier()

/** A signer from a devnet key file (JSON { account, secretKey }). */
export const signerFromKeyFile = (file: string): Signer =>
  createNodeSigner(parseSecretKey(JSON.parse(readFileSync(file, 'utf8')).secretKey as string))

/** A 4-validator devnet with its keys loaded: demo accounts, issuer and each node's validator key. */
export interface LedgerNet {
  devnet: Devnet
  nodes: DevnetNode[]
  network: Uint8Array
  params: LedgerParams
  /** The demo accounts (each with a genesis allocation of DEMO_BALANCE). */
  accounts: Signer[]
  issuer: Signer
  /** validators[i] is node-i's validator key (devnet data dir's validator.key). */
  validators: Signer[]
  stop(): Promise<void>
}

/** Each demo account's allocation (devnet's DEMO_BALANCE). */
export const DEMO_BALANCE = 1_000_000_000n

export async function startLedgerNet(
  options: { accounts: number; syncIntervalMs?: number } = { accounts: 4 },
): Promise<LedgerNet> {
  const dir = mkdtempSync(join(tmpdir(), 'freebird-ledger-'))
  let devnet: Devnet
  try {
    devnet = await startDevnet({
      dir,
      nodes: 4,
      accounts: options.accounts,
      basePort: 0,
      syncIntervalMs: options.syncIntervalMs ?? 2_000,
      logLevel: 'warn',
    })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  const record = devnet.record
  const network = parseNetworkId(devnet.networkId)
  const genesis = JSON.parse(readFileSync(devnet.genesisFile, 'utf8')) as LedgerGenesis
  const issuer = record.issuer
  if (!issuer) throw new Error('the devnet record has no issuer')
  return {
    devnet,
    nodes: devnet.nodes,
    network,
    params: ledgerParams(genesis, network),
    accounts: record.accounts.map((a) => signerFromKeyFile(a.keyFile)),
    issuer: signerFromKeyFile(issuer.keyFile),
    validators: record.nodes.map((n) => signerFromKeyFile(n.validatorKeyFile)),
    async stop() {
      await devnet.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

// ------------------------------------------------------------------ HTTP

export interface Refusal {
  code: string
  message: string
}

const octets = (bytes: Uint8Array): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/octet-stream' },
  body: bytes,
  signal: AbortSignal.timeout(10_000),
})

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`)
  return (await response.json()) as T
}

/** POST /v1/ledger/orders: a vote (200) or a refusal with its HTTP status. */
export type VoteAnswer =
  | { status: 200; vote: Vote; bytes: Uint8Array }
  | { status: number; refusal: Refusal }

export async function askVote(node: DevnetNode, orderBytes: Uint8Array): Promise<VoteAnswer> {
  const response = await fetch(`${node.url}/v1/ledger/orders`, octets(orderBytes))
  const body = (await response.json()) as { vote?: string } & Refusal
  if (response.status === 200 && body.vote) {
    const bytes = fromHex(body.vote)
    return { status: 200, vote: decodeVote(bytes), bytes }
  }
  return { status: response.status, refusal: { code: body.code, message: body.message } }
}

export const refusalCode = (a: VoteAnswer): string | undefined =>
  'refusal' in a ? a.refusal.code : undefined

export const voteOf = (a: VoteAnswer): Vote | undefined => ('vote' in a ? a.vote : undefined)

/** A vote answer's exact bytes in hex, or the refusal code: two answers compare as text. */
export const answerText = (a: VoteAnswer | undefined): string =>
  a && 'bytes' in a ? toHex(a.bytes) : `refused: ${a && refusalCode(a)}`

/** POST /v1/ledger/certificates. */
export async function pushCertificate(
  node: DevnetNode,
  bytes: Uint8Array,
): Promise<{ status: number; body: { id?: string; status?: string } & Partial<Refusal> }> {
  const response = await fetch(`${node.url}/v1/ledger/certificates`, octets(bytes))
  return { status: response.status, body: (await response.json()) as never }
}

export interface BalanceJson {
  account: string
  balance: string
  nextSeq: number
  attestation?: string
}

export const balanceOf = (node: DevnetNode, account: string): Promise<BalanceJson> =>
  getJson(`${node.url}/v1/accounts/${account}/balance`)

export interface LedgerJson {
  validator: string | null
  committee: { validator: string; weight: number; peerId: string }[]
  quorum: number
  issuer: string | null
  supplyCap: string
  minted: string
  allocated: string
  certificates: number
  root: string
}

export const ledgerOf = (node: DevnetNode): Promise<LedgerJson> => getJson(`${node.url}/v1/ledger`)

export const transfersOf = async (
  node: DevnetNode,
  account: string,
  limit = 500,
): Promise<TransferJson[]> =>
  (
    await getJson<{ transfers: TransferJson[] }>(
      `${node.url}/v1/accounts/${account}/transfers?limit=${limit}`,
    )
  ).transfers

export const tipsOf = (
  node: DevnetNode,
  post: string,
): Promise<{ post: string; total: string; tips: TransferJson[] }> =>
  getJson(`${node.url}/v1/posts/${post}/tips`)

/** A metric of a devnet node (see metricAt). */
export const metric = (node: DevnetNode, name: string, labels: Record<string, string> = {}) =>
  metricAt(node.url, name, labels)

/** A new key with no tokens. */
export const freshSigner = (): Signer => createNodeSigner(randomBytes(32))
export const accountOf = (s: Signer): string => formatAccount(s.publicKey)
/** The attestation in a balance answer, verified against the committee. */
export const attestationOf = (
  answer: BalanceJson,
  params: LedgerParams,
): BalanceAttestation | undefined =>
  answer.attestation
    ? decodeBalanceAttestation(fromHex(answer.attestation), params, verify)
    : undefined

// ------------------------------------------------------------------ ledger flows

/** A sender whose next seq this test keeps (a wallet's "pending order" bookkeeping, minimal). */
export class Wallet {
  readonly signer: Signer
  readonly account: string
  nextSeq = 0

  constructor(signer: Signer) {
    this.signer = signer
    this.account = formatAccount(signer.publicKey)
  }
}

export function order(
  net: LedgerNet,
  signer: Signer,
  input: Omit<TransferOrderInput, 'to'> & { to: string | Uint8Array },
  network = net.network,
): TransferOrder {
  const to = typeof input.to === 'string' ? parseAccount(input.to) : input.to
  return buildTransferOrder({ ...input, to }, { network, signer })
}

/** Asks every node (or the given ones) for a vote, all at once. */
export const askAll = (nodes: DevnetNode[], orderBytes: Uint8Array): Promise<VoteAnswer[]> =>
  Promise.all(nodes.map((n) => askVote(n, orderBytes)))

/** Votes from the nodes; a certificate from the votes granted (throws LedgerError `ledger.quorum` if too few). */
export async function certify(
  net: LedgerNet,
  o: TransferOrder,
  nodes: DevnetNode[] = net.nodes,
): Promise<{ certificate: Certificate; answers: VoteAnswer[] }> {
  const answers = await askAll(nodes, o.bytes)
  const votes = answers.map(voteOf).filter((v): v is Vote => !!v)
  return { certificate: buildCertificate(o, votes, net.params, verify), answers }
}

/** Pushes to every node (or the given ones); each must store it or already hold it. */
export async function pushAll(
  nodes: DevnetNode[],
  certificate: Certificate,
): Promise<{ status: number }[]> {
  const results = await Promise.all(nodes.map((n) => pushCertificate(n, certificate.bytes)))
  for (const r of results)
    if (r.status !== 201 && r.status !== 200)
      throw new Error(`certificate refused: ${r.status} ${JSON.stringify(r.body)}`)
  return results
}

/**
 * One certified transfer: order at the wallet's next seq, votes from every
 * validator (all must vote: the previous certificate was pushed to all),
 * certificate pushed to every validator. Resolves with the certificate.
 */
export async function transfer(
  net: LedgerNet,
  from: Wallet,
  input: Omit<TransferOrderInput, 'to' | 'seq'> & { to: string | Uint8Array },
): Promise<Certificate> {
  const o = order(net, from.signer, { ...input, seq: from.nextSeq })
  const { certificate, answers } = await certify(net, o)
  const refused = answers.filter((a) => a.status !== 200)
  if (refused.length > 0)
    throw new Error(`votes refused for seq ${from.nextSeq}: ${refused.map(refusalCode).join(', ')}`)
  await pushAll(net.nodes, certificate)
  from.nextSeq++
  return certificate
}

/**
 * A certificate signed with validator keys directly (no node votes, no
 * locks): what an offline committee, or f+1 colluding validators, could make.
 */
export function forgeCertificate(
  net: LedgerNet,
  o: TransferOrder,
  signers: Signer[] = net.validators,
): Certificate {
  return buildCertificate(
    o,
    signers.map((s) => signVote(o.id, s)),
    net.params,
    verify,
  )
}

/** Certificate bytes with exactly these [validator, signature] pairs, in this order (for forgeries). */
export const encodeRawCertificate = (
  o: TransferOrder,
  votes: { validator: Uint8Array; signature: Uint8Array }[],
): Uint8Array =>
  encodeCanonical({ order: o.bytes, votes: votes.map((v) => [v.validator, v.signature]) })

/** Waits until `read` gives equal answers on every node that pass `ok`; returns that answer. */
export async function waitSame<T>(
  nodes: DevnetNode[],
  read: (node: DevnetNode) => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  let last: T[] = []
  await waitFor(
    async () => {
      try {
        last = await Promise.all(nodes.map(read))
      } catch {
        return false
      }
      const first = JSON.stringify(last[0])
      return last.every((v) => ok(v) && JSON.stringify(v) === first)
    },
    `${what} (last: ${JSON.stringify(last).slice(0, 600)})`,
    timeoutMs,
  )
  return last[0] as T
}

/** Waits until every node states these balances and next seqs. */
export async function waitBalances(
  nodes: DevnetNode[],
  expected: Map<string, { balance: bigint; nextSeq?: number }>,
  timeoutMs = 20_000,
): Promise<void> {
  const accounts = [...expected.keys()]
  const read = async (node: DevnetNode) =>
    Promise.all(accounts.map((a) => balanceOf(node, a).then((b) => [b.balance, b.nextSeq])))
  await waitSame(
    nodes,
    read,
    (rows) =>
      rows.every(([balance, nextSeq], i) => {
        const want = expected.get(accounts[i] as string)
        return (
          want !== undefined &&
          balance === want.balance.toString() &&
          (want.nextSeq === undefined || nextSeq === want.nextSeq)
        )
      }),
    `balances of ${accounts.length} accounts on every node`,
    timeoutMs,
  )
}

/** Waits for one certificate set (same count and root) on every node; returns it. */
export const waitSameRoot = (
  nodes: DevnetNode[],
  certificates: number,
  timeoutMs = 30_000,
): Promise<{ certificates: number; root: string }> =>
  waitSame(
    nodes,
    async (n) => {
      const l = await ledgerOf(n)
      return { certificates: l.certificates, root: l.root }
    },
    (v) => v.certificates === certificates,
    `${certificates} certificates and one root on every node`,
    timeoutMs,
  )
