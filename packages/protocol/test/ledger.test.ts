import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import {
  concatBytes,
  createSigner,
  decodeCanonical,
  encodeCanonical,
  fromHex,
  LEDGER_CODES,
  LedgerError,
  MAX_CERTIFICATE_BATCH_BYTES,
  MAX_CERTIFICATE_BYTES,
  parseAccount,
  toHex,
  verifySignature,
} from '../src/index.ts'
import {
  attestedBalance,
  BALANCE_TAG,
  buildCertificate,
  buildTransferOrder,
  type Certificate,
  checkVote,
  computeOrderId,
  decodeBalanceAttestation,
  decodeCertificate,
  decodeCertificateBatch,
  decodeOrderData,
  decodeTransferOrder,
  decodeVote,
  encodeCertificateBatch,
  encodeOrderData,
  encodeVote,
  type LedgerGenesis,
  type LedgerParams,
  LedgerState,
  ledgerGenesisFields,
  ledgerParams,
  ORDER_ID_TAG,
  parseCertificate,
  quorumOf,
  signBalance,
  signVote,
  type TransferKind,
  transferFromJson,
  transferToJson,
  VOTE_TAG,
  verifyCertificate,
  voteDigest,
} from '../src/ledger/index.ts'
import ledger from '../vectors/ledger.json' with { type: 'json' }
import { codeOf } from './codes.ts'

const network = fromHex(ledger.network)
type Committee = keyof typeof ledger.genesis
const genesis = (c: string) => ledger.genesis[c as Committee] as LedgerGenesis
const params: Record<Committee, LedgerParams> = {
  equal: ledgerParams(genesis('equal'), network),
  weighted: ledgerParams(genesis('weighted'), network),
}
const paramsOf = (c: string) => params[c as Committee]
const validatorSigner = (i: number) =>
  createSigner(fromHex((ledger.keys.validators[i] as { secretKey: string }).secretKey))

/** The code a ledger call throws ('ok' for none); a LedgerError's action must be its code's. */
function ledgerCode(fn: () => unknown): string {
  const code = codeOf(fn)
  try {
    fn()
  } catch (e) {
    if (e instanceof LedgerError) expect(e.action).toBe(LEDGER_CODES[e.code])
  }
  return code
}

describe('ledger genesis', () => {
  it('gives the committee weight and quorum of the vectors', () => {
    for (const [name, p] of Object.entries(ledger.params)) {
      expect(paramsOf(name).totalWeight).toBe(p.totalWeight)
      expect(paramsOf(name).quorum).toBe(p.quorum)
      expect(paramsOf(name).supplyCap).toBe(BigInt(genesis(name).supplyCap as string))
      expect(toHex(paramsOf(name).issuer as Uint8Array)).toBe(ledger.keys.issuer.publicKey)
    }
  })

  it('round-trips through ledgerGenesisFields', () => {
    for (const name of Object.keys(ledger.genesis)) {
      const p = paramsOf(name)
      expect(
        ledgerGenesisFields({
          committee: p.committee,
          allocations: [...p.allocations].map(([hex, amount]) => ({
            account: fromHex(hex),
            amount,
          })),
          ...(p.issuer ? { issuer: p.issuer } : {}),
          supplyCap: p.supplyCap,
        }),
      ).toEqual(genesis(name))
    }
  })

  it('quorum = total - floor((total - 1) / 3)', () => {
    const table: [number, number][] = [
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 3],
      [5, 4],
      [7, 5],
      [10, 7],
      [100, 67],
    ]
    for (const [total, quorum] of table) expect(quorumOf(total)).toBe(quorum)
    expect(ledgerParams({}, network).quorum).toBe(Number.POSITIVE_INFINITY)
  })

  for (const v of ledger.invalidGenesis) {
    it(`invalid genesis: ${v.name}: ${v.code}`, () => {
      expect(ledgerCode(() => ledgerParams(v.genesis as LedgerGenesis, network))).toBe(v.code)
    })
  }

  it('has the tags the spec names', () => {
    expect(toHex(ORDER_ID_TAG)).toBe(ledger.tags.order)
    expect(toHex(VOTE_TAG)).toBe(ledger.tags.vote)
    expect(toHex(BALANCE_TAG)).toBe(ledger.tags.balance)
    expect(new TextDecoder().decode(ORDER_ID_TAG)).toBe('freebird/order/v1')
    expect(new TextDecoder().decode(VOTE_TAG)).toBe('freebird/vote/v1')
    expect(new TextDecoder().decode(BALANCE_TAG)).toBe('freebird/balance/v1')
  })
})

interface OrderInputJson {
  from?: string
  to: string
  amount: string
  seq: number
  kind: string
  ref?: string
  memo?: string
  timestamp: number
}
const orderInput = (i: OrderInputJson) => ({
  to: fromHex(i.to),
  amount: BigInt(i.amount),
  seq: i.seq,
  kind: i.kind as TransferKind,
  ...(i.ref !== undefined ? { ref: fromHex(i.ref) } : {}),
  ...(i.memo !== undefined ? { memo: i.memo } : {}),
  timestamp: i.timestamp,
})

describe('transfer order vectors', () => {
  for (const v of ledger.orders) {
    const input = v.input as OrderInputJson

    it(`${v.name}: input builds to the exact bytes`, () => {
      const signer = createSigner(fromHex(v.secretKey))
      expect(toHex(signer.publicKey)).toBe(input.from)
      const o = buildTransferOrder(orderInput(input), { network, signer })
      expect(toHex(o.dataBytes)).toBe(v.output.data)
      expect(toHex(o.id)).toBe(v.output.id)
      expect(toHex(o.signature)).toBe(v.output.signature)
      expect(toHex(o.bytes)).toBe(v.output.order)
    })

    it(`${v.name}: bytes decode to the input`, () => {
      const o = decodeTransferOrder(fromHex(v.output.order), network)
      expect(o.data.version).toBe(ledger.version)
      expect(toHex(o.data.network)).toBe(ledger.network)
      expect(toHex(o.data.from)).toBe(input.from)
      expect({ ...o.data, network: undefined, version: undefined, from: undefined }).toEqual({
        ...orderInput(input),
        network: undefined,
        version: undefined,
        from: undefined,
      })
      expect(typeof o.data.amount).toBe('bigint')
      expect(toHex(o.id)).toBe(v.output.id)
      expect(toHex(o.signature)).toBe(v.output.signature)
      expect(toHex(o.dataBytes)).toBe(v.output.data)
      // The id is SHA-256(tag || data bytes); the data re-encodes to itself.
      expect(toHex(computeOrderId(fromHex(v.output.data)))).toBe(v.output.id)
      expect(toHex(sha256(concatBytes(ORDER_ID_TAG, fromHex(v.output.data))))).toBe(v.output.id)
      expect(toHex(encodeOrderData(decodeOrderData(fromHex(v.output.data))))).toBe(v.output.data)
      // The sender signs the 32-byte id with its root key.
      expect(
        verifySignature(fromHex(input.from as string), o.id, fromHex(v.output.signature)),
      ).toBe(true)
    })
  }

  it('cover every transfer kind, a memo, a tip ref and an amount above 2^53', () => {
    const inputs = ledger.orders.map((v) => v.input as OrderInputJson)
    expect(new Set(inputs.map((i) => i.kind))).toEqual(
      new Set(['payment', 'tip', 'purchase', 'reward']),
    )
    expect(inputs.some((i) => i.kind === 'tip' && i.ref)).toBe(true)
    expect(inputs.some((i) => i.memo)).toBe(true)
    expect(inputs.some((i) => BigInt(i.amount) > 2n ** 53n)).toBe(true)
  })

  for (const v of ledger.invalidOrderInputs) {
    it(`refused input: ${v.name}: ${v.code}`, () => {
      const signer = createSigner(fromHex(v.secretKey))
      expect(ledgerCode(() => buildTransferOrder(orderInput(v.input), { network, signer }))).toBe(
        v.code,
      )
    })
  }

  for (const v of ledger.invalidOrders) {
    it(`invalid order: ${v.name}: ${v.code}`, () => {
      expect(ledgerCode(() => decodeTransferOrder(fromHex(v.order), network))).toBe(v.code)
    })
  }
})

const decodedOrder = (hex: string) => decodeTransferOrder(fromHex(hex), network)

describe('vote vectors', () => {
  for (const v of ledger.votes) {
    it(`${v.name}: signs the digest of the order id`, () => {
      const vote = signVote(fromHex(v.order), validatorSigner(v.validator))
      expect(toHex(voteDigest(fromHex(v.order)))).toBe(v.output.digest)
      expect(toHex(sha256(concatBytes(VOTE_TAG, fromHex(v.order))))).toBe(v.output.digest)
      expect(toHex(vote.signature)).toBe(v.output.signature)
      expect(toHex(encodeVote(vote))).toBe(v.output.vote)
    })

    it(`${v.name}: bytes decode to a valid vote`, () => {
      const vote = decodeVote(fromHex(v.output.vote))
      expect(toHex(vote.order)).toBe(v.order)
      expect(toHex(vote.validator)).toBe(ledger.keys.validators[v.validator]?.publicKey)
      expect(toHex(vote.signature)).toBe(v.output.signature)
      expect(ledgerCode(() => checkVote(vote, fromHex(v.order), params.equal))).toBe('ok')
    })
  }

  for (const v of ledger.invalidVotes.vectors) {
    it(`invalid vote: ${v.name}: ${v.code}`, () => {
      const order = fromHex(ledger.invalidVotes.order)
      const committee = paramsOf(ledger.invalidVotes.committee)
      expect(ledgerCode(() => checkVote(decodeVote(fromHex(v.vote)), order, committee))).toBe(
        v.code,
      )
    })
  }
})

describe('certificate vectors', () => {
  for (const v of ledger.certificates) {
    const p = paramsOf(v.committee)

    it(`${v.name}: votes build to the exact bytes, in any order, with repeats`, () => {
      const order = decodedOrder(v.order)
      const votes = v.voters.map((i) => signVote(order.id, validatorSigner(i)))
      const c = buildCertificate(order, votes, p)
      expect(toHex(c.bytes)).toBe(v.output.certificate)
      expect(c.votes.map((x) => [toHex(x.validator), toHex(x.signature)])).toEqual(v.output.votes)
      const shuffled = buildCertificate(order, [...votes].reverse().concat(votes), p)
      expect(toHex(shuffled.bytes)).toBe(v.output.certificate)
    })

    it(`${v.name}: bytes decode and verify`, () => {
      const c = decodeCertificate(fromHex(v.output.certificate), p)
      expect(toHex(c.order.bytes)).toBe(v.order)
      expect(c.votes.map((x) => [toHex(x.validator), toHex(x.signature)])).toEqual(v.output.votes)
      const keys = c.votes.map((x) => toHex(x.validator))
      expect(keys).toEqual([...keys].sort())
      expect(transferFromJson(transferToJson(c), p).bytes).toEqual(c.bytes)
    })
  }

  it('cover both committees', () => {
    expect(new Set(ledger.certificates.map((v) => v.committee))).toEqual(
      new Set(['equal', 'weighted']),
    )
  })

  for (const v of ledger.invalidCertificates) {
    it(`invalid certificate: ${v.name}: ${v.code}`, () => {
      expect(
        ledgerCode(() => decodeCertificate(fromHex(v.certificate), paramsOf(v.committee))),
      ).toBe(v.code)
    })
  }

  it('parseCertificate + verifyCertificate refuse exactly what decodeCertificate does, signatures and issuer last', () => {
    const signatureCodes = ['ledger.signature', 'ledger.not_issuer', 'ledger.vote_signature']
    for (const v of ledger.invalidCertificates) {
      const p = paramsOf(v.committee)
      const bytes = fromHex(v.certificate)
      if (signatureCodes.includes(v.code)) {
        const parsed = parseCertificate(bytes, p)
        expect(
          ledgerCode(() => verifyCertificate(parsed, p, verifySignature)),
          v.name,
        ).toBe(v.code)
      } else
        expect(
          ledgerCode(() => parseCertificate(bytes, p)),
          v.name,
        ).toBe(v.code)
    }
    for (const v of ledger.certificates) {
      const parsed = parseCertificate(fromHex(v.output.certificate), paramsOf(v.committee))
      expect(() => verifyCertificate(parsed, paramsOf(v.committee))).not.toThrow()
      expect(toHex(parsed.order.bytes)).toBe(v.order)
    }
    expect(
      ledger.invalidCertificates.filter((v) => signatureCodes.includes(v.code)).length,
    ).toBeGreaterThanOrEqual(2)
  })

  it('invalid vectors cover every reject code', () => {
    const covered = new Set([
      ...ledger.invalidOrderInputs.map((v) => v.code),
      ...ledger.invalidOrders.map((v) => v.code),
      ...ledger.invalidCertificates.map((v) => v.code),
    ])
    const rejects = Object.entries(LEDGER_CODES)
      .filter(([, action]) => action === 'reject')
      .map(([code]) => code)
    expect(rejects.filter((c) => !covered.has(c))).toEqual([])
  })
})

describe('certificate batch vectors (gossip)', () => {
  for (const v of ledger.certificateBatches) {
    it(`${v.name}: certificates encode to the exact batch, and back`, () => {
      expect(toHex(encodeCertificateBatch(v.certificates.map((h) => fromHex(h))))).toBe(v.batch)
      expect(decodeCertificateBatch(fromHex(v.batch)).map(toHex)).toEqual(v.certificates)
    })
  }

  for (const v of ledger.invalidCertificateBatches) {
    it(`invalid certificate batch: ${v.name}: ${v.code}`, () => {
      expect(ledgerCode(() => decodeCertificateBatch(fromHex(v.batch)))).toBe(v.code)
    })
  }

  it('refuses a batch over its byte limit, decoding or encoding', () => {
    const n = Math.ceil(MAX_CERTIFICATE_BATCH_BYTES / MAX_CERTIFICATE_BYTES) + 1
    const items = Array.from({ length: n }, () => new Uint8Array(MAX_CERTIFICATE_BYTES))
    expect(ledgerCode(() => encodeCertificateBatch(items))).toBe('ledger.too_large')
    const bytes = encodeCanonical(items)
    expect(bytes.length).toBeGreaterThan(MAX_CERTIFICATE_BATCH_BYTES)
    expect(ledgerCode(() => decodeCertificateBatch(bytes))).toBe('ledger.too_large')
    expect(ledgerCode(() => encodeCertificateBatch([]))).toBe('ledger.encoding')
  })
})

interface StatementJson {
  account: string
  balance: string
  nextSeq: number
}
const statementOf = (s: StatementJson) => ({
  network,
  account: fromHex(s.account),
  balance: BigInt(s.balance),
  nextSeq: s.nextSeq,
})

describe('balance attestation vectors', () => {
  for (const v of ledger.attestations) {
    it(`${v.name}: the statement signs to the exact bytes`, () => {
      const a = signBalance(statementOf(v.statement), validatorSigner(v.validator))
      expect(toHex(a.bytes)).toBe(v.output.attestation)
      expect(toHex(a.signature)).toBe(v.output.signature)
      const { data } = decodeCanonical(a.bytes, 'attestation') as { data: Uint8Array }
      expect(toHex(data)).toBe(v.output.data)
      expect(toHex(sha256(concatBytes(BALANCE_TAG, data)))).toBe(v.output.digest)
      expect(verifySignature(a.validator, fromHex(v.output.digest), a.signature)).toBe(true)
    })

    it(`${v.name}: bytes decode to the statement`, () => {
      const a = decodeBalanceAttestation(fromHex(v.output.attestation), paramsOf(v.committee))
      expect({
        account: toHex(a.account),
        balance: a.balance.toString(),
        nextSeq: a.nextSeq,
      }).toEqual(v.statement)
      expect(toHex(a.validator)).toBe(ledger.keys.validators[v.validator]?.publicKey)
    })
  }

  for (const v of ledger.attested) {
    it(`attested balance: ${v.name}`, () => {
      const p = paramsOf(v.committee)
      const list = v.attestations.map((hex) => decodeBalanceAttestation(fromHex(hex), p))
      const got = attestedBalance(list, p)
      expect(
        got
          ? { account: toHex(got.account), balance: got.balance.toString(), nextSeq: got.nextSeq }
          : null,
      ).toEqual(v.statement)
    })
  }

  for (const v of ledger.invalidAttestations.vectors) {
    it(`invalid attestation: ${v.name}: ${v.code}`, () => {
      const p = paramsOf(ledger.invalidAttestations.committee)
      expect(ledgerCode(() => decodeBalanceAttestation(fromHex(v.attestation), p))).toBe(v.code)
    })
  }

  it('refuses to attest a balance that has no encoding', () => {
    const signer = validatorSigner(0)
    const s = statementOf({ account: ledger.keys.alice.publicKey, balance: '0', nextSeq: 0 })
    expect(ledgerCode(() => signBalance({ ...s, balance: -1n }, signer))).toBe('ledger.amount')
    expect(ledgerCode(() => signBalance({ ...s, balance: 2n ** 64n }, signer))).toBe(
      'ledger.amount',
    )
    expect(ledgerCode(() => signBalance({ ...s, balance: 2n ** 64n - 1n }, signer))).toBe('ok')
  })
})

// ---------------------------------------------------------------- state outcomes

/** The state as the vectors print it: every allocated or touched account, the tips to the scenario's tip refs, pending, total. */
function snapshot(state: LedgerState, certificates: Certificate[]) {
  const index = new Map(certificates.map((c, i) => [toHex(c.order.id), i]))
  const keys = new Set([...state.params.allocations.keys()])
  for (const [key] of state.accounts()) keys.add(key)
  const accounts: Record<string, { balance: string; nextSeq: number; minted: string }> = {}
  for (const key of [...keys].sort()) {
    const a = state.account(key)
    accounts[key] = {
      balance: a.balance.toString(),
      nextSeq: a.nextSeq,
      minted: a.minted.toString(),
    }
  }
  const tips: Record<string, string> = {}
  const refs = certificates
    .filter((c) => c.order.data.kind === 'tip')
    .map((c) => toHex(c.order.data.ref as Uint8Array))
  for (const ref of [...new Set(refs)].sort()) tips[ref] = state.tipsOf(ref).toString()
  return {
    accounts,
    tips,
    pending: [...state.pending()]
      .map((c) => index.get(toHex(c.order.id)) as number)
      .sort((a, b) => a - b),
    total: state.totalBalance().toString(),
  }
}

interface ApplyStep {
  apply: number
  status: string
  debited?: number[]
  existing?: number
  state: ReturnType<typeof snapshot>
}
interface CheckStep {
  check: string
  order: string
  code: string
}
type Step = ApplyStep | CheckStep
interface Scenario {
  name: string
  committee: string
  converges: boolean
  certificates: { name: string; certificate: string }[]
  runs: { steps: Step[] }[]
}
// The JSON's own inferred type is a union per scenario; read it through this shape.
const scenarios = ledger.state as unknown as Scenario[]

describe('ledger state vectors', () => {
  for (const s of scenarios) {
    const p = paramsOf(s.committee)
    const certificates = s.certificates.map((c) => decodeCertificate(fromHex(c.certificate), p))

    s.runs.forEach((run, r) => {
      it(`${s.name}: run ${r + 1}`, () => {
        const state = new LedgerState(p)
        const index = (c: Certificate) =>
          certificates.findIndex((x) => toHex(x.order.id) === toHex(c.order.id))
        for (const step of run.steps) {
          if ('check' in step) {
            const order = decodedOrder(step.order)
            expect(state.checkOrder(order)?.code ?? 'ok', step.check).toBe(step.code)
            continue
          }
          const result = state.apply(certificates[step.apply] as Certificate)
          expect(result.status).toBe(step.status)
          if (result.status === 'applied') expect(result.debited.map(index)).toEqual(step.debited)
          if (result.status === 'conflict')
            expect(
              certificates.findIndex((x) => toHex(x.order.id) === toHex(result.existing)),
            ).toBe(step.existing)
          expect(snapshot(state, certificates)).toEqual(step.state)
        }
      })
    })

    if (s.converges) {
      it(`${s.name}: every run ends in the same state, allocations + minted in all`, () => {
        const finals = s.runs.map((run) => {
          const applies = run.steps.filter((x): x is ApplyStep => 'apply' in x)
          return (applies.at(-1) as ApplyStep).state
        })
        for (const f of finals) expect(f).toEqual(finals[0])
        const final = finals[0] as ApplyStep['state']
        expect(final.pending).toEqual([])
        const allocated = [...p.allocations.values()].reduce((a, b) => a + b, 0n)
        const minted = Object.values(final.accounts).reduce((a, b) => a + BigInt(b.minted), 0n)
        expect(BigInt(final.total)).toBe(allocated + minted)
      })
    }
  }

  it('cover duplicates, buffering, conflicts, a transiently negative balance and every vote-rule code', () => {
    const steps = scenarios.flatMap((s) => s.runs.flatMap((r) => r.steps))
    const statuses = new Set(steps.flatMap((x) => ('status' in x ? [x.status] : [])))
    expect(statuses).toEqual(new Set(['applied', 'buffered', 'duplicate', 'conflict']))
    const codes = new Set(steps.flatMap((x) => ('check' in x ? [x.code] : [])))
    for (const code of [
      'ok',
      'ledger.wrong_seq',
      'ledger.insufficient_balance',
      'ledger.unknown_account',
      'ledger.supply_cap',
      'ledger.not_issuer',
    ])
      expect(codes).toContain(code)
    const negative = steps.some(
      (x) => 'state' in x && Object.values(x.state.accounts).some((a) => a.balance.startsWith('-')),
    )
    expect(negative).toBe(true)
  })

  it('genesis accounts are in text form in the genesis and hex in the state', () => {
    const alloc = genesis('equal').allocations?.[0]
    expect(toHex(parseAccount(alloc?.account as string))).toBe(ledger.keys.alice.publicKey)
  })
})

describe('docs/PROTOCOL.md §14.11 worked example', () => {
  it('has the bytes, id, vote and certificate the spec prints', () => {
    const key = (name: string) => sha256(new TextEncoder().encode(`freebird vector key ${name}`))
    const alice = createSigner(key('alice'))
    const bob = createSigner(key('bob'))
    const order = buildTransferOrder(
      { to: bob.publicKey, amount: 100n, seq: 0, kind: 'payment', timestamp: 1767312000000 },
      { network: fromHex('2a2b3e655fb1e1662c9186fb0f3c6388'), signer: alice },
    )
    expect(toHex(order.dataBytes)).toBe(
      'a862746f582037777dd3d884fba685e3ea48a2f152ce394854c73c83be329e286d576c41277763736571006466726f6d58209b7cd1ead971e09e7673d1e6fb06123a02d80d4d9df424a8fa2544dd06e870c7646b696e64677061796d656e7466616d6f756e741864676e6574776f726b502a2b3e655fb1e1662c9186fb0f3c63886776657273696f6e016974696d657374616d701b0000019b7c010400',
    )
    expect(toHex(order.id)).toBe('b6df15001cfb4b36954142c15c6362ec82c900d91e033ed7adea6f0bcd6f0e74')
    expect(toHex(order.signature)).toBe(
      'fad2198f0a560a7986fa3051d11944e792e26b3f6f50387eea6000c5c73cbb60df16d62399db668654b9117b9d96398a6406f05b5047f29b7927cafaa3f75c05',
    )
    expect(order.bytes).toHaveLength(242)
    expect(toHex(voteDigest(order.id))).toBe(
      'df4cfc7f878e4e68c048ac0208cc92c5e4f7ce8a102cbd3a310e8d66c7354b50',
    )
    const votes = [3, 0, 2].map((i) => signVote(order.id, createSigner(key(`validator ${i}`))))
    expect(toHex((votes[1] as { signature: Uint8Array }).signature)).toBe(
      '79d54e4e9d60680fc77f56685cb163761d14ad0fcd71876c9d514d48906570f377863211867c9ac580533a835e4438a535500875b1c48d393a3ea25a32ed8a09',
    )
    expect(encodeVote(votes[1] as Parameters<typeof encodeVote>[0])).toHaveLength(161)
    const certificate = buildCertificate(order, votes, params.equal)
    expect(certificate.bytes).toHaveLength(561)
    expect(toHex(certificate.bytes)).toBe(
      (ledger.certificates[0] as { output: { certificate: string } }).output.certificate,
    )
    const state = new LedgerState(params.equal)
    expect(state.apply(certificate).status).toBe('applied')
    expect(state.account(bob.publicKey).balance).toBe(600n)
    expect(state.account(alice.publicKey)).toEqual({ balance: 999_900n, nextSeq: 1, minted: 0n })
  })
})
