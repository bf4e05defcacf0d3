/**
 * The token ledger on a 4-validator devnet (4 `freebird node` processes, each
 * a validator, weight 1, quorum 3) and this process as the client, all on
 * this machine.
 *
 * Closed loop: C accounts transfer at once, each back to back (a transfer
 * needs the sender's previous one certified, so one account is sequential).
 * One transfer: sign the order; POST it to the 4 validators (HTTP keep-alive);
 * verify the votes as they come and form the certificate at the 3rd valid
 * one ("certified": the latency figure, client to certified); push the
 * certificate to the 4 nodes and wait for their acknowledgement (each has
 * verified and written it), so the sender's next order finds its next seq
 * everywhere. Transfers/s counts transfers whose certificate every node
 * acknowledged, over a measured window after a warm-up. At the end every node
 * must hold the same certificate set (one root) and conserve the supply.
 *
 * Cost bound (the issue's): each transfer costs ~23 Ed25519 verifications
 * (4 orders checked by validators, 3 votes by the client, 4 certificates x 4
 * signatures by the nodes) and 4 signatures (votes) + 1 (order); the figure
 * is reported as a fraction of 1,500 transfers/s, that bound on this machine.
 * (The nodes do fewer: a validator has checked the order when it voted and
 * made its own vote, so it checks 2 or 3 votes of a certificate: ~16 in all.)
 *   node bench/ledger.bench.ts
 * A sweep of phases on one devnet, each C senders at once for SECONDS after a
 * warm-up: throughput and latency rise with C until the machine is saturated.
 * The headline is the operating point: the highest transfers/s among the
 * phases whose p99 meets the target (and the peak, whatever its p99). RUNS
 * fresh devnets; the run with the median operating point is reported, with
 * every run's figures.
 * Env: FREEBIRD_BENCH_CONCURRENCY (8,16,32,48,64), FREEBIRD_BENCH_SECONDS (10),
 *      FREEBIRD_BENCH_WARMUP_SECONDS (3), FREEBIRD_BENCH_ACCOUNTS (256),
 *      FREEBIRD_BENCH_RUNS (3).
 */

import { readFileSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDevnet } from '@freebird/node'
import { createNodeSigner, createNodeVerifier } from '@freebird/node-verifier'
import {
  decodeCanonical,
  encodeCanonical,
  fromHex,
  networkIdFromGenesis,
  parseAccount,
  parseSecretKey,
  type Signer,
} from '@freebird/protocol'
import {
  buildCertificate,
  buildTransferOrder,
  type Certificate,
  checkVote,
  decodeVote,
  type LedgerGenesis,
  ledgerParams,
  type Vote,
} from '@freebird/protocol/ledger'
import { cpuMeter, envInt, fmt, summary, writeResults } from './node-helpers.ts'

const CONCURRENCY = (process.env.FREEBIRD_BENCH_CONCURRENCY ?? '8,16,32,48,64')
  .split(',')
  .map(Number)
const RUNS = envInt('FREEBIRD_BENCH_RUNS', 3)
const SECONDS = envInt('FREEBIRD_BENCH_SECONDS', 10)
const WARMUP = envInt('FREEBIRD_BENCH_WARMUP_SECONDS', 3)
const ACCOUNTS = envInt('FREEBIRD_BENCH_ACCOUNTS', 256)
const BOUND = 1_500
const TARGET = { transfersPerSec: 1_000, p99Ms: 50 }

const agent = new Agent({ keepAlive: true, maxSockets: 128 })

/** One POST of bytes; resolves with the status and the body. */
function postBytes(
  url: string,
  body: Uint8Array,
  type = 'application/octet-stream',
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': type, 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** A POST with a JSON answer. */
async function post(url: string, body: Uint8Array) {
  const { status, body: answer } = await postBytes(url, body)
  return { status, json: JSON.parse(answer.toString()) as Record<string, string> }
}

/**
 * Requests to one node, sent together: what is asked in one event-loop turn,
 * and everything asked while a batch is on the wire, goes in one POST
 * /v1/ledger/batch (one round trip for many).
 */
class Batcher {
  readonly #url: string
  #queue: {
    request: unknown
    done: (answer: Record<string, unknown>) => void
    failed: (e: unknown) => void
  }[] = []
  #busy = false

  constructor(url: string) {
    this.#url = `${url}/v1/ledger/batch`
  }

  ask(request: unknown): Promise<Record<string, unknown>> {
    return new Promise((done, failed) => {
      this.#queue.push({ request, done, failed })
      if (this.#busy) return
      // Start after this turn's I/O callbacks: what they ask for goes in the same request.
      this.#busy = true
      setImmediate(() => void this.#flush())
    })
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#queue.splice(0, 1024)
      try {
        const { status, body } = await postBytes(
          this.#url,
          encodeCanonical(group.map((g) => g.request)),
          'application/cbor',
        )
        if (status !== 200) throw new Error(`batch answered ${status}: ${body}`)
        const answers = decodeCanonical(body, 'answers') as Record<string, unknown>[]
        group.forEach((g, i) => {
          g.done(answers[i] as Record<string, unknown>)
        })
      } catch (error) {
        for (const g of group) g.failed(error)
      }
    }
    this.#busy = false
  }
}

/** FREEBIRD_BENCH_BATCH=0: one HTTP request per order and per certificate push. */
const BATCH = process.env.FREEBIRD_BENCH_BATCH !== '0'

type Phase = Awaited<ReturnType<typeof oneRun>>['phases'][number]

/** One fresh devnet through every phase; then the end checks. */
async function oneRun(run: number) {
  const dir = join(tmpdir(), `freebird-ledger-bench-${process.pid}-${run}`)
  console.log(`starting a 4-validator devnet with ${ACCOUNTS} funded accounts...`)
  const devnet = await startDevnet({ dir, nodes: 4, accounts: ACCOUNTS, basePort: 0, reset: true })
  try {
    const record = JSON.parse(readFileSync(join(dir, 'devnet.json'), 'utf8'))
    const genesisBytes = readFileSync(record.genesisFile)
    const network = networkIdFromGenesis(genesisBytes)
    const params = ledgerParams(JSON.parse(genesisBytes.toString()) as LedgerGenesis, network)
    const verify = createNodeVerifier()
    const urls: string[] = devnet.nodes.map((n) => n.url)
    const batchers = urls.map((u) => new Batcher(u))
    const accounts = (record.accounts as { account: string; keyFile: string }[]).map((a) => ({
      key: parseAccount(a.account),
      signer: createNodeSigner(
        parseSecretKey(JSON.parse(readFileSync(a.keyFile, 'utf8')).secretKey),
      ) as Signer,
      seq: 0,
    }))

    /** One transfer; resolves with its certified latency (ms). */
    async function transfer(from: (typeof accounts)[number], to: Uint8Array): Promise<number> {
      const start = performance.now()
      const order = buildTransferOrder(
        { to, amount: 1n, seq: from.seq, kind: 'payment' },
        { network, signer: from.signer },
      )
      const certificate = await new Promise<Certificate>((resolve, reject) => {
        const votes: Vote[] = []
        let answered = 0
        let done = false
        for (const [n, url] of urls.entries()) {
          const asked = BATCH
            ? (batchers[n] as Batcher).ask({ order: order.bytes }).then((a) => ({
                status: a.vote ? 200 : 409,
                json: a,
              }))
            : post(`${url}/v1/ledger/orders`, order.bytes)
          asked.then(
            ({ status, json }) => {
              answered++
              if (done) return
              if (status === 200 && json.vote) {
                const vote = decodeVote(
                  json.vote instanceof Uint8Array ? json.vote : fromHex(json.vote as string),
                )
                checkVote(vote, order.id, params, verify)
                votes.push(vote)
                if (votes.length === params.quorum) {
                  done = true
                  resolve(buildCertificate(order, votes, params, () => true))
                }
              }
              if (answered === urls.length && !done)
                reject(new Error(`no quorum: last answer ${status} ${JSON.stringify(json)}`))
            },
            (error) => {
              answered++
              if (answered === urls.length && !done) reject(error)
            },
          )
        }
      })
      const certified = performance.now() - start
      const acks = BATCH
        ? await Promise.all(batchers.map((b) => b.ask({ certificate: certificate.bytes })))
        : (
            await Promise.all(
              urls.map((u) => post(`${u}/v1/ledger/certificates`, certificate.bytes)),
            )
          ).map((a) => (a.status === 201 || a.status === 200 ? { status: 'stored' } : a.json))
      for (const a of acks)
        if (!a.status) throw new Error(`certificate refused: ${JSON.stringify(a)}`)
      from.seq++
      return certified
    }

    async function phase(concurrency: number) {
      let measuring = false
      let stop = false
      const latencies: number[] = []
      let completed = 0
      const loops = Array.from({ length: concurrency }, async (_, k) => {
        // Each loop owns a disjoint set of senders: one account is never used by two loops.
        const own = accounts.filter((_, i) => i % concurrency === k)
        let turn = 0
        while (!stop) {
          const from = own[turn++ % own.length] as (typeof accounts)[number]
          const to = (
            accounts[Math.floor(Math.random() * accounts.length)] as (typeof accounts)[number]
          ).key
          if (to === from.key) continue
          const ms = await transfer(from, to)
          if (measuring) {
            latencies.push(ms)
            completed++
          }
        }
      })
      await new Promise((r) => setTimeout(r, WARMUP * 1000))
      const meters = devnet.nodes.map((n) => cpuMeter(n.pid as number))
      measuring = true
      const t0 = performance.now()
      await new Promise((r) => setTimeout(r, SECONDS * 1000))
      measuring = false
      const wall = (performance.now() - t0) / 1000
      const cpu = meters.map((m) => m())
      stop = true
      await Promise.all(loops)
      const rate = completed / wall
      const lat = summary(latencies)
      const cores = {
        nodes: cpu.map((c) => Number(c.nodeCores.toFixed(2))),
        client: Number((cpu[0]?.clientCores ?? 0).toFixed(2)),
        machine: Number((cpu[0]?.machineCores ?? 0).toFixed(2)),
      }
      console.log(
        `\n  ${concurrency} senders at once: ${fmt(rate)} transfers/s (target >= ${TARGET.transfersPerSec}; ${fmt((100 * rate) / BOUND, 1)}% of the ~${BOUND}/s bound)` +
          `\n  client to certified: p50 ${fmt(lat.p50, 1)} ms, p99 ${fmt(lat.p99, 1)} ms, max ${fmt(lat.max, 1)} ms (target p99 <= ${TARGET.p99Ms} ms)` +
          `\n  cores: nodes ${cores.nodes.join(' / ')}, client ${cores.client}, machine ${cores.machine}`,
      )
      return {
        concurrency,
        transfers: completed,
        transfersPerSec: Math.round(rate),
        fractionOfBound: Number((rate / BOUND).toFixed(3)),
        certifiedLatencyMs: lat,
        cores,
      }
    }

    const phases = []
    for (const c of CONCURRENCY) phases.push(await phase(c))
    // Every node holds the same certificates, and the supply is conserved.
    const ledgers = await Promise.all(urls.map(async (u) => (await fetch(`${u}/v1/ledger`)).json()))
    const roots = new Set(ledgers.map((l) => (l as { root: string }).root))
    let total = 0n
    for (const a of record.accounts as { account: string }[])
      total += BigInt(
        (
          (await (await fetch(`${urls[0]}/v1/accounts/${a.account}/balance`)).json()) as {
            balance: string
          }
        ).balance,
      )
    const allocated = BigInt((ledgers[0] as { allocated: string }).allocated)

    return {
      phases,
      oneRoot: roots.size === 1,
      certificates: (ledgers[0] as { certificates: number }).certificates,
      supplyConserved: total === allocated,
      quorum: params.quorum,
    }
  } finally {
    await devnet.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The highest transfers/s among the phases whose p99 meets the target. */
const operatingPoint = (phases: Phase[]): Phase | undefined =>
  phases
    .filter((p) => p.certifiedLatencyMs.p99 <= TARGET.p99Ms)
    .reduce<Phase | undefined>(
      (a, b) => (!a || b.transfersPerSec > a.transfersPerSec ? b : a),
      undefined,
    )
const peak = (phases: Phase[]): Phase =>
  phases.reduce((a, b) => (b.transfersPerSec > a.transfersPerSec ? b : a))

const runs = []
try {
  for (let run = 1; run <= RUNS; run++) {
    console.log(`\nrun ${run} of ${RUNS}`)
    const r = await oneRun(run)
    console.log(
      `\n  ${r.certificates} certificates, one root on all 4 nodes: ${r.oneRoot}; supply conserved: ${r.supplyConserved}`,
    )
    runs.push(r)
  }
} finally {
  agent.destroy()
}
const byPoint = [...runs].sort(
  (a, b) =>
    (operatingPoint(a.phases)?.transfersPerSec ?? 0) -
    (operatingPoint(b.phases)?.transfersPerSec ?? 0),
)
const median = byPoint[Math.floor((byPoint.length - 1) / 2)] as (typeof runs)[number]
const point = operatingPoint(median.phases)
const top = peak(median.phases)
const line = (p: Phase) =>
  `${fmt(p.transfersPerSec)} transfers/s at ${p.concurrency} senders (${fmt(100 * p.fractionOfBound, 1)}% of the ~${BOUND}/s bound), p50 ${fmt(p.certifiedLatencyMs.p50, 1)} ms, p99 ${fmt(p.certifiedLatencyMs.p99, 1)} ms`
console.log(
  `\nmedian run of ${RUNS} (by operating point):` +
    `\n  operating point (p99 <= ${TARGET.p99Ms} ms): ${point ? line(point) : 'none'}` +
    `\n  peak: ${line(top)}` +
    `\n  every run's operating point: ${runs.map((r) => operatingPoint(r.phases)?.transfersPerSec ?? 0).join(' / ')} transfers/s` +
    `\n  targets: >= ${TARGET.transfersPerSec} transfers/s with p99 <= ${TARGET.p99Ms} ms: ${point && point.transfersPerSec >= TARGET.transfersPerSec ? 'met' : 'not met'}`,
)
writeResults(
  'ledger',
  'Token ledger on a 4-validator devnet: transfers/s and client-to-certified latency',
  {
    validators: 4,
    quorum: median.quorum,
    accounts: ACCOUNTS,
    seconds: SECONDS,
    bound: BOUND,
    target: TARGET,
    operatingPoint: point ?? null,
    peak: top,
    targetsMet: !!point && point.transfersPerSec >= TARGET.transfersPerSec,
    runs: runs.map((r) => ({
      operatingPoint: operatingPoint(r.phases)?.transfersPerSec ?? 0,
      peak: peak(r.phases).transfersPerSec,
      oneRoot: r.oneRoot,
      certificates: r.certificates,
      supplyConserved: r.supplyConserved,
    })),
    phases: median.phases,
    oneRoot: runs.every((r) => r.oneRoot),
    supplyConserved: runs.every((r) => r.supplyConserved),
  },
)
