import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type Client, ClientError, createClient, fileStore, memoryStore } from '@freebird/client'
import { type Devnet, startDevnet } from '@freebird/node'
import { createNodeSigner } from '@freebird/node-verifier'
import {
  formatAccount,
  fromHex,
  generateKeyPair,
  parseAccount,
  parseNetworkId,
  parseSecretKey,
  type Signer,
  toHex,
} from '@freebird/protocol'
import {
  buildTransferOrder,
  decodeCertificate,
  type LedgerGenesis,
  type LedgerParams,
  ledgerParams,
} from '@freebird/protocol/ledger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from './harness.ts'

/**
 * @freebird/client's token calls against a real 4-validator devnet (quorum 3
 * of 4): node processes on real ports with LevelDB on disk. Transfers over
 * HTTP and libp2p, tips, attested and lower-bound balances, a queue of
 * concurrent transfers, refusals with the ledger's codes, an order finished
 * after a crash, and the `freebird send | tip | balance | history` commands.
 * Each test uses its own demo accounts.
 */
const BIN = fileURLToPath(new URL('../../apps/node/bin/freebird.js', import.meta.url))
const DEMO_BALANCE = 1_000_000_000n
const dir = mkdtempSync(join(tmpdir(), 'freebird-client-ledger-'))
let devnet: Devnet
let params: LedgerParams
let keyFiles: string[]
let accounts: Signer[]
let http: string[]
let tcp: string[]
const clients: Client[] = []

beforeAll(async () => {
  devnet = await startDevnet({
    dir,
    nodes: 4,
    accounts: 8,
    basePort: 0,
    syncIntervalMs: 2_000,
    logLevel: 'warn',
  })
  const network = parseNetworkId(devnet.networkId)
  params = ledgerParams(
    JSON.parse(readFileSync(devnet.genesisFile, 'utf8')) as LedgerGenesis,
    network,
  )
  keyFiles = devnet.accounts.map((a) => a.keyFile)
  accounts = keyFiles.map((f) =>
    createNodeSigner(parseSecretKey(JSON.parse(readFileSync(f, 'utf8')).secretKey as string)),
  )
  http = devnet.nodes.map((n) => n.url)
  tcp = devnet.nodes.map((n) => n.multiaddrs.tcp)
}, 90_000)
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await devnet?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const account = (i: number) => formatAccount((accounts[i] as Signer).publicKey)
const client = (
  nodes: string[],
  signer?: Signer,
  extra: { store?: ReturnType<typeof memoryStore> } = {},
) => {
  const c = createClient({ nodes, ...(signer ? { signer } : {}), ...extra })
  clients.push(c)
  return c
}

/** GET a node's JSON. */
async function get<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
  return { status: response.status, body: (await response.json()) as T }
}

/** Resolves once every node serves the certified transfer `id`. */
const onEveryNode = (id: string) =>
  waitFor(
    async () =>
      (await Promise.all(http.map((u) => get(`${u}/v1/ledger/transfers/${id}`)))).every(
        (r) => r.status === 200,
      ),
    `transfer ${id} on every node`,
  )

/** Resolves once every node says the account holds `balance` (decimal). */
const balanceEverywhere = (who: string, balance: bigint) =>
  waitFor(
    async () =>
      (
        await Promise.all(
          http.map((u) => get<{ balance: string }>(`${u}/v1/accounts/${who}/balance`)),
        )
      ).every((r) => r.body.balance === balance.toString()),
    `${who} at ${balance} on every node`,
  )

async function refusalOf(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ClientError) return error
    throw error
  }
  throw new Error('expected a ClientError')
}

describe('@freebird/client tokens on a 4-validator devnet', () => {
  it('transfers over HTTP: a certificate verified here, applied on every node, balances attested', async () => {
    const c = client(http, accounts[0])
    const sent = await c.transfer({ to: account(1), amount: 1_234n, memo: 'over http' })
    expect(sent).toMatchObject({ seq: 0, from: account(0), to: account(1), amount: 1_234n })
    const certificate = decodeCertificate(sent.certificate, params)
    expect(toHex(certificate.order.id)).toBe(sent.id)
    expect(certificate.order.data.memo).toBe('over http')
    expect(sent.acceptedBy.length).toBeGreaterThan(0)
    await onEveryNode(sent.id)
    await balanceEverywhere(account(0), DEMO_BALANCE - 1_234n)
    expect(await c.getBalance()).toMatchObject({
      balance: DEMO_BALANCE - 1_234n,
      nextSeq: 1,
      source: 'attested',
    })
    expect(await c.getBalance(account(1))).toMatchObject({
      balance: DEMO_BALANCE + 1_234n,
      nextSeq: 0,
      source: 'attested',
    })
    const history = await c.getTransfers(account(1))
    expect(history.transfers.map((t) => t.id)).toEqual([sent.id])
  })

  it('transfers over libp2p (TCP multiaddrs): the ledger protocol end to end', async () => {
    const c = client(tcp, accounts[2])
    const first = await c.transfer({ to: account(1), amount: 10n })
    const second = await c.transfer({ to: account(1), amount: 20n, kind: 'purchase' })
    expect([first.seq, second.seq]).toEqual([0, 1])
    expect(second.kind).toBe('purchase')
    await onEveryNode(second.id)
    await balanceEverywhere(account(2), DEMO_BALANCE - 30n)
    expect(await c.getBalance()).toMatchObject({
      balance: DEMO_BALANCE - 30n,
      nextSeq: 2,
      source: 'attested',
    })
    const history = await c.getTransfers(undefined, { limit: 10 })
    expect(history.transfers.map((t) => [t.seq, t.amount])).toEqual([
      [1, 20n],
      [0, 10n],
    ])
  })

  it('balances: attested through every node; through a single validator, a lower bound proven from certificates', async () => {
    const c = client(http, accounts[0])
    const attested = await c.getBalance(account(1))
    expect(attested.source).toBe('attested')
    expect(attested.attestations).toBeGreaterThanOrEqual(params.quorum)
    // One validator's attestation weighs 1 of the 3 a quorum needs.
    for (const node of [...http, ...tcp].slice(0, 5)) {
      const one = client([node])
      const bound = await one.getBalance(account(1))
      expect(bound).toMatchObject({
        account: account(1),
        balance: attested.balance,
        nextSeq: 0,
        source: 'lower-bound',
        attestations: 1,
      })
    }
  })

  it('tips a post: the post thread on every node shows the tip total, and the client proves it', async () => {
    const author = client(http, accounts[3])
    const { id } = await author.post({ text: 'tip jar' })
    const tipper = client(http, accounts[4])
    const first = await tipper.tip(id, 25n)
    expect(first).toMatchObject({ kind: 'tip', to: account(3), amount: 25n })
    await tipper.tip(id, 17n)
    await waitFor(
      async () =>
        (
          await Promise.all(
            http.map((u) => get<{ post: { tips: string } }>(`${u}/v1/posts/${id}/thread`)),
          )
        ).every((r) => r.body.post?.tips === '42'),
      'the tip total on every node',
    )
    const tips = await client(tcp).getTips(id)
    expect(tips.total).toBe(42n)
    expect(tips.tips.map((t) => t.amount)).toEqual([17n, 25n])
    await balanceEverywhere(account(3), DEMO_BALANCE + 42n)
  })

  it('10 concurrent transfers from one account all succeed, with seqs 0..9', async () => {
    const c = client([...http.slice(0, 2), ...tcp.slice(2)], accounts[5])
    const sent = await Promise.all(
      Array.from({ length: 10 }, (_, i) => c.transfer({ to: account(1), amount: BigInt(i + 1) })),
    )
    expect(sent.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(new Set(sent.map((s) => s.id)).size).toBe(10)
    await balanceEverywhere(account(5), DEMO_BALANCE - 55n)
    expect(await c.getBalance()).toMatchObject({
      balance: DEMO_BALANCE - 55n,
      nextSeq: 10,
      source: 'attested',
    })
  })

  it('refusals carry the ledger code: an overdraft, an account that never held tokens, a reward past the supply cap', async () => {
    const c = client(http, accounts[0])
    const overdraft = await refusalOf(c.transfer({ to: account(1), amount: DEMO_BALANCE * 2n }))
    expect(overdraft.code).toBe('client.refused')
    expect(overdraft.reason).toBe('ledger.insufficient_balance')

    const nobody = client(http, createNodeSigner(generateKeyPair().secretKey))
    const empty = await refusalOf(nobody.transfer({ to: account(1), amount: 1n }))
    expect([empty.code, empty.reason]).toEqual(['client.refused', 'ledger.insufficient_balance'])

    // A reward is not checked against a balance here: the validators refuse it themselves.
    const issuerKey = devnet.record.issuer?.keyFile as string
    const issuer = createNodeSigner(
      parseSecretKey(JSON.parse(readFileSync(issuerKey, 'utf8')).secretKey as string),
    )
    const minter = client(tcp, issuer)
    const cap = BigInt(devnet.record.issuer?.supplyCap as string)
    const pastCap = await refusalOf(
      minter.transfer({ to: account(1), amount: cap + 1n, kind: 'reward' }),
    )
    expect([pastCap.code, pastCap.reason]).toEqual(['client.refused', 'ledger.supply_cap'])
    // Nothing moved: the sender's seq is still free.
    const reward = await minter.transfer({ to: account(1), amount: 5n, kind: 'reward' })
    expect(reward.seq).toBe(0)
  })

  it('after a crash, a new client finishes the same pending order first (same id), then signs the next seq', async () => {
    const file = join(dir, 'crash.pending.json')
    const signer = accounts[6] as Signer
    // The crashed run: it signed seq 0, stored it, and one validator locked it.
    const order = buildTransferOrder(
      { to: parseAccount(account(1)), amount: 606n, seq: 0, kind: 'payment' },
      { network: params.network, signer },
    )
    await fileStore(file).set(
      `freebird/ledger/${toHex(params.network)}/${account(6)}/pending`,
      JSON.stringify({ v: 1, id: toHex(order.id), seq: 0, order: toHex(order.bytes) }),
    )
    const locked = await fetch(`${http[0]}/v1/ledger/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: order.bytes as Uint8Array<ArrayBuffer>,
    })
    expect(locked.status).toBe(200)

    const c = client(tcp, signer, { store: fileStore(file) })
    const next = await c.transfer({ to: account(1), amount: 7n })
    expect(next.resumed?.id).toBe(toHex(order.id))
    expect(next.resumed?.seq).toBe(0)
    expect(next.seq).toBe(1)
    const resumed = decodeCertificate(next.resumed?.certificate as Uint8Array, params)
    expect(toHex(resumed.order.bytes)).toBe(toHex(order.bytes))
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>
    expect(Object.keys(onDisk).some((k) => k.endsWith('/pending'))).toBe(false)
    expect(
      JSON.parse(onDisk[`freebird/ledger/${toHex(params.network)}/${account(6)}/last`] as string),
    ).toMatchObject({ seq: 1, id: next.id })
    await balanceEverywhere(account(6), DEMO_BALANCE - 613n)

    // A pending order the validators hold another order for: a clear error, and nothing new signed.
    const other = buildTransferOrder(
      { to: parseAccount(account(1)), amount: 1n, seq: 2, kind: 'payment' },
      { network: params.network, signer },
    )
    const mine = buildTransferOrder(
      { to: parseAccount(account(1)), amount: 2n, seq: 2, kind: 'payment' },
      { network: params.network, signer },
    )
    for (const u of http.slice(0, 2)) {
      await fetch(`${u}/v1/ledger/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: other.bytes as Uint8Array<ArrayBuffer>,
      })
    }
    const store = memoryStore()
    await store.set(
      `freebird/ledger/${toHex(params.network)}/${account(6)}/pending`,
      JSON.stringify({ v: 1, id: toHex(mine.id), seq: 2, order: toHex(mine.bytes) }),
    )
    const stuck = client(http, signer, { store })
    const conflict = await refusalOf(stuck.resumePending())
    expect([conflict.code, conflict.reason]).toEqual(['client.refused', 'ledger.conflicting_order'])
    expect(conflict.message).toContain(toHex(mine.id))
  })

  it('the CLI: send, tip, balance and history with --json, the pending file next to the key', async () => {
    const run = async (...args: string[]) =>
      (await promisify(execFile)(process.execPath, [BIN, ...args])).stdout.trim()
    const key = keyFiles[7] as string
    const nodes = http.flatMap((u) => ['--node', u])

    const sent = JSON.parse(
      await run(
        'send',
        '--key',
        key,
        '--to',
        account(1),
        '--amount',
        '123',
        '--memo',
        'cli',
        ...nodes,
        '--json',
      ),
    )
    expect(sent).toMatchObject({
      seq: 0,
      from: account(7),
      to: account(1),
      amount: '123',
      kind: 'payment',
    })
    expect(decodeCertificate(fromHex(sent.certificate), params).order.data.memo).toBe('cli')
    expect(existsSync(`${key}.pending.json`)).toBe(true)
    const stored = JSON.parse(readFileSync(`${key}.pending.json`, 'utf8')) as Record<string, string>
    expect(Object.keys(stored)).toEqual([
      `freebird/ledger/${toHex(params.network)}/${account(7)}/last`,
    ])

    const post = await client(http, accounts[3]).post({ text: 'tip me from the CLI' })
    const tipped = JSON.parse(await run('tip', '--key', key, post.id, '8', ...nodes, '--json'))
    expect(tipped).toMatchObject({ seq: 1, kind: 'tip', to: account(3), amount: '8' })

    await balanceEverywhere(account(7), DEMO_BALANCE - 131n)
    const balance = JSON.parse(await run('balance', account(7), ...nodes, '--json'))
    expect(balance).toMatchObject({
      account: account(7),
      balance: (DEMO_BALANCE - 131n).toString(),
      nextSeq: 2,
      source: 'attested',
    })
    const human = await run('balance', '--key', key, ...nodes)
    expect(human.split('\n')[0]).toBe((DEMO_BALANCE - 131n).toString())

    await onEveryNode(tipped.id)
    const history = JSON.parse(
      await run('history', account(7), ...nodes, '--json', '--limit', '10'),
    )
    expect(history.transfers.map((t: { id: string; amount: string }) => [t.id, t.amount])).toEqual([
      [tipped.id, '8'],
      [sent.id, '123'],
    ])
    const lines = await run('history', account(7), '--node', tcp[0] as string)
    expect(lines).toContain(sent.id)
    expect(lines).toContain('-123')

    // An overdraft: exit code 1, one line with the ledger's code.
    const failed = await promisify(execFile)(process.execPath, [
      BIN,
      'send',
      '--key',
      key,
      '--to',
      account(1),
      '--amount',
      (DEMO_BALANCE * 2n).toString(),
      ...nodes,
    ]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    )
    expect(failed?.code).toBe(1)
    expect(failed?.stderr).toMatch(/\(ledger\.insufficient_balance\)\n$/)
  })
})
