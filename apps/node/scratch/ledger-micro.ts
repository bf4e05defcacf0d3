// Scratch: in-process cost of one validator's ledger work per transfer (vote + submit).
import { rmSync } from 'node:fs'
import { createNodeSigner, createNodeVerifier } from '@freebird/node-verifier'
import { formatAccount, type Signer } from '@freebird/protocol'
import { buildCertificate, buildTransferOrder, ledgerParams, signVote } from '@freebird/protocol/ledger'
import { Ledger } from '../dist/ledger/ledger.js'
import { createLogger } from '../dist/logger.js'

const key = (i: number) => { const s = new Uint8Array(32); s[0] = i; s[1] = 7; return createNodeSigner(s) }
const validators = [0, 1, 2, 3].map((i) => key(200 + i))
const accounts: Signer[] = Array.from({ length: 256 }, (_, i) => key(i))
const network = new Uint8Array(16).fill(5)
const params = ledgerParams({
  committee: validators.map((v, i) => ({ validator: formatAccount(v.publicKey), weight: 1, peerId: `12D3KooWNRXWuMvC5yP2AYnM1abZBKotw2bF3axPidoUWnu1S5E${'ABCD'[i]}` })),
  allocations: accounts.map((a) => ({ account: formatAccount(a.publicKey), amount: '1000000000' })),
}, network)
const dir = '/tmp/ledger-micro'
rmSync(dir, { recursive: true, force: true })
const ledger = await Ledger.open(`${dir}/ledger`, { params, locksPath: `${dir}/locks`, validator: validators[0], verify: createNodeVerifier(), log: createLogger('warn' as never) })
const verify = createNodeVerifier()
const N = Number(process.env.N ?? 20000)
const seqs = new Array(256).fill(0)
// Pre-build orders and other validators' votes (client/other-node work, not measured).
const work = []
for (let i = 0; i < N; i++) {
  const a = i % 256
  const order = buildTransferOrder({ to: accounts[(a + 1) % 256]!.publicKey, amount: 1n, seq: seqs[a]++, kind: 'payment' }, { network, signer: accounts[a]! })
  work.push(order)
}
const t0 = performance.now(); const c0 = process.cpuUsage()
const CONC = 64
async function lane(k: number) {
  for (let i = k; i < N; i += CONC) {
    const order = work[i]!
    const voteBytes = await ledger.vote(order.bytes)
    const votes = [signVote(order.id, validators[1]!), signVote(order.id, validators[2]!)]
    const { decodeVote } = await import('@freebird/protocol/ledger')
    votes.push(decodeVote(voteBytes))
    const cert = buildCertificate(order, votes, params, () => true)
    const r = await ledger.submit(cert.bytes, 'http')
    if (r.status !== 'stored') throw new Error(JSON.stringify(r))
  }
}
// lanes must keep per-account order: lane k takes accounts k mod CONC... simpler: sequential blocks of 256 are independent per account
await Promise.all(Array.from({ length: CONC }, (_, k) => lane(k)))
const c = process.cpuUsage(c0)
console.log({ N, wallUsPerTransfer: ((performance.now() - t0) * 1000 / N).toFixed(1), cpuUsPerTransfer: ((c.user + c.system) / N).toFixed(1) })
await ledger.close()
