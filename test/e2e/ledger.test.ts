import { randomBytes } from 'node:crypto'
import type { DevnetNode } from '@freebird/node'
import { buildPostAdd, compareBytes, encodeCanonical, type Signer, toHex } from '@freebird/protocol'
import {
  attestedBalance,
  buildCertificate,
  buildTransferOrder,
  type Certificate,
  checkVote,
  signVote,
  type TransferOrder,
  type Vote,
} from '@freebird/protocol/ledger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from './harness.ts'
import {
  accountOf,
  answerText,
  askAll,
  askVote,
  attestationOf,
  balanceOf,
  DEMO_BALANCE,
  encodeRawCertificate,
  freshSigner,
  type LedgerNet,
  ledgerOf,
  metric,
  order,
  pushAll,
  pushCertificate,
  refusalCode,
  startLedgerNet,
  tipsOf,
  transfer,
  transfersOf,
  type VoteAnswer,
  verify,
  voteOf,
  Wallet,
  waitBalances,
  waitSame,
  waitSameRoot,
} from './ledger-helpers.ts'

/**
 * The token ledger on a 4-validator devnet (quorum 3 of 4), driven over HTTP
 * with the protocol's own functions: transfers and tips end to end,
 * concurrency, double spends, a Byzantine validator, and refusals with their
 * codes. The tests share one devnet; each uses its own demo accounts.
 */
let net: LedgerNet
beforeAll(async () => {
  net = await startLedgerNet({ accounts: 13 })
}, 90_000)
afterAll(async () => {
  await net?.stop()
})

const at = (i: number): DevnetNode => net.nodes[i] as DevnetNode
const fresh = freshSigner
/** The LedgerError code a call throws (undefined if it does not throw). */
const thrownCode = (f: () => unknown): string | undefined => {
  try {
    f()
  } catch (error) {
    return (error as { code?: string }).code
  }
  return undefined
}
const votesOf = (answers: VoteAnswer[]): Vote[] => answers.map(voteOf).filter((v): v is Vote => !!v)
const byKey = <T extends { validator: Uint8Array }>(votes: T[]): T[] =>
  [...votes].sort((a, b) => compareBytes(a.validator, b.validator))

async function postMessage(url: string, bytes: Uint8Array): Promise<number> {
  const response = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  })
  return response.status
}

describe('token ledger on a 4-validator devnet', () => {
  it('certifies a payment and tips end to end: every node reaches the same balances, transfers, tips and thread total', async () => {
    const { nodes, params, validators } = net
    const [alice, bob, carol] = [0, 1, 2].map((i) => new Wallet(net.accounts[i] as Signer)) as [
      Wallet,
      Wallet,
      Wallet,
    ]

    // Every node describes the same ledger; each names its own validator key.
    const described = await Promise.all(nodes.map(ledgerOf))
    described.forEach((l, i) => {
      expect(l.validator).toBe(accountOf(validators[i] as Signer))
      expect(l.committee.map((m) => m.validator)).toEqual(validators.map(accountOf))
      expect(l.quorum).toBe(3)
      expect(l.issuer).toBe(accountOf(net.issuer))
      expect(l.allocated).toBe((13n * DEMO_BALANCE).toString())
    })

    // A real post by alice, held by every node.
    const post = buildPostAdd({ text: 'tip me' }, { network: net.network, signer: alice.signer })
    expect(await postMessage(at(0).url, post.bytes)).toBe(201)
    const postId = toHex(post.id)
    await waitFor(
      async () =>
        (
          await Promise.all(
            nodes.map((n) =>
              fetch(`${n.url}/v1/messages/${postId}`).then(async (r) => {
                await r.arrayBuffer()
                return r.status
              }),
            ),
          )
        ).every((status) => status === 200),
      'the post on every node',
    )

    // A payment: every validator votes, each vote its own valid signature on the order.
    const pay = order(net, alice.signer, {
      to: bob.account,
      amount: 1234n,
      seq: 0,
      kind: 'payment',
      memo: 'rent',
    })
    const answers = await askAll(nodes, pay.bytes)
    const votes = answers.map((a, i) => {
      expect(a.status).toBe(200)
      const vote = voteOf(a) as Vote
      expect(toHex(vote.validator)).toBe(toHex((validators[i] as Signer).publicKey))
      expect(() => checkVote(vote, pay.id, params)).not.toThrow()
      return vote
    })
    // Asked again, a validator answers the very same vote.
    const again = await askVote(at(2), pay.bytes)
    expect(again.status).toBe(200)
    expect(answerText(again)).toBe(answerText(answers[2]))
    // Three of four votes are a quorum; the certificate goes to one node only.
    const payCert = buildCertificate(pay, votes.slice(1), params)
    expect(payCert.votes).toHaveLength(3)
    const stored = await pushCertificate(at(1), payCert.bytes)
    expect(stored.status).toBe(201)
    expect(stored.body).toMatchObject({ id: toHex(pay.id), status: 'stored' })
    const dup = await pushCertificate(at(1), payCert.bytes)
    expect(dup.status).toBe(200)
    expect(dup.body.status).toBe('duplicate')
    alice.nextSeq = 1
    await waitBalances(
      nodes,
      new Map([
        [alice.account, { balance: DEMO_BALANCE - 1234n, nextSeq: 1 }],
        [bob.account, { balance: DEMO_BALANCE + 1234n, nextSeq: 0 }],
      ]),
    )

    // Tips to alice's post from bob and carol, each certificate pushed to a different node.
    const tipCerts: Certificate[] = []
    for (const [tipper, amount, via] of [
      [bob, 250n, at(2)],
      [carol, 50n, at(3)],
    ] as const) {
      const tip = order(net, tipper.signer, {
        to: alice.account,
        amount,
        seq: 0,
        kind: 'tip',
        ref: post.id,
      })
      const cert = buildCertificate(tip, votesOf(await askAll(nodes, tip.bytes)), params)
      expect((await pushCertificate(via, cert.bytes)).status).toBe(201)
      tipper.nextSeq = 1
      tipCerts.push(cert)
    }
    await waitBalances(
      nodes,
      new Map([
        [alice.account, { balance: DEMO_BALANCE - 1234n + 300n, nextSeq: 1 }],
        [bob.account, { balance: DEMO_BALANCE + 1234n - 250n, nextSeq: 1 }],
        [carol.account, { balance: DEMO_BALANCE - 50n, nextSeq: 1 }],
      ]),
    )

    // The post's thread shows the certified tip total on every node.
    const thread = await waitSame(
      nodes,
      async (n) =>
        (
          (await (await fetch(`${n.url}/v1/posts/${postId}/thread`)).json()) as {
            post: { id: string; tips: string }
          }
        ).post,
      (p) => p.tips === '300',
      'the thread tip total on every node',
    )
    expect(thread.id).toBe(postId)
    // GET /v1/posts/:id/tips lists both certificates, the same on every node.
    const tips = await waitSame(
      nodes,
      (n) => tipsOf(n, postId),
      (t) => t.tips.length === 2,
      'the tips list on every node',
    )
    expect(tips.total).toBe('300')
    expect(tips.tips.map((t) => t.certificate).sort()).toEqual(
      tipCerts.map((c) => toHex(c.bytes)).sort(),
    )
    for (const t of tips.tips) {
      expect(t.kind).toBe('tip')
      expect(t.ref).toBe(postId)
      expect(t.to).toBe(alice.account)
    }

    // Alice's transfers: the same list on every node, newest first.
    const list = await waitSame(
      nodes,
      (n) => transfersOf(n, alice.account),
      (l) => l.length === 3,
      "alice's transfers on every node",
    )
    expect(list.map((t) => t.id).sort()).toEqual(
      [pay, ...tipCerts.map((c) => c.order)].map((o) => toHex(o.id)).sort(),
    )
    const times = list.map((t) => t.timestamp)
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    // One certified transfer by id, from any node.
    for (const node of nodes) {
      const response = await fetch(`${node.url}/v1/ledger/transfers/${toHex(pay.id)}`)
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({
        id: toHex(pay.id),
        from: alice.account,
        to: bob.account,
        amount: '1234',
        seq: 0,
        kind: 'payment',
        memo: 'rent',
        certificate: toHex(payCert.bytes),
      })
    }
    const missing = await fetch(`${at(0).url}/v1/ledger/transfers/${toHex(randomBytes(32))}`)
    expect(missing.status).toBe(404)

    // Each validator attests alice's balance; the four attestations agree (a quorum).
    const answersB = await Promise.all(nodes.map((n) => balanceOf(n, alice.account)))
    const attestations = answersB.map((b, i) => {
      const a = attestationOf(b, params)
      expect(a).toBeDefined()
      expect(toHex(a?.validator as Uint8Array)).toBe(toHex((validators[i] as Signer).publicKey))
      return a as NonNullable<typeof a>
    })
    expect(attestedBalance(attestations, params)).toMatchObject({
      balance: DEMO_BALANCE - 1234n + 300n,
      nextSeq: 1,
    })
  })

  it('pipelines transfers from many accounts at once: each validator votes for seq k+1 as soon as certificate k is pushed', async () => {
    const { nodes } = net
    const group = [3, 4, 5, 6].map((i) => new Wallet(net.accounts[i] as Signer))
    const N = 8
    const expected = new Map(group.map((w) => [w.account, DEMO_BALANCE]))
    const sent = await Promise.all(
      group.map(async (w, g) => {
        const certs: Certificate[] = []
        for (let k = 0; k < N; k++) {
          const to = group[(g + 1 + (k % 3)) % group.length] as Wallet
          const amount = BigInt(1_000 + 100 * g + k)
          // transfer() fails unless every validator votes: none may answer wrong_seq.
          certs.push(await transfer(net, w, { to: to.account, amount, kind: 'payment' }))
          expected.set(w.account, (expected.get(w.account) as bigint) - amount)
          expected.set(to.account, (expected.get(to.account) as bigint) + amount)
        }
        return certs
      }),
    )
    await waitBalances(
      nodes,
      new Map([...expected].map(([a, balance]) => [a, { balance, nextSeq: N }])),
    )
    // Every node lists each sender's N certified transfers, seq 0 to N-1.
    for (const [g, w] of group.entries()) {
      const list = await waitSame(
        nodes,
        (n) => transfersOf(n, w.account),
        (l) => l.filter((t) => t.from === w.account).length === N,
        `transfers of sender ${g} on every node`,
      )
      const seqs = list
        .filter((t) => t.from === w.account)
        .map((t) => t.seq)
        .sort((a, b) => a - b)
      expect(seqs).toEqual([...Array(N).keys()])
      expect(
        list
          .filter((t) => t.from === w.account)
          .map((t) => t.id)
          .sort(),
      ).toEqual((sent[g] as Certificate[]).map((c) => toHex(c.order.id)).sort())
    }
  })

  it('two orders at one seq sent at once: each validator votes for one of them, at most one gets a quorum', async () => {
    const { nodes, params } = net
    const sender = new Wallet(net.accounts[7] as Signer)
    const [x, y] = [fresh(), fresh()]
    const a = order(net, sender.signer, { to: x.publicKey, amount: 11n, seq: 0, kind: 'payment' })
    const b = order(net, sender.signer, { to: y.publicKey, amount: 22n, seq: 0, kind: 'payment' })
    // Interleaved: A and B to every validator, all requests in flight together.
    const both = await Promise.all(nodes.flatMap((n) => [askVote(n, a.bytes), askVote(n, b.bytes)]))
    const forA = both.filter((_, i) => i % 2 === 0)
    const forB = both.filter((_, i) => i % 2 === 1)
    for (let i = 0; i < nodes.length; i++) {
      const pair = [forA[i], forB[i]] as VoteAnswer[]
      expect(pair.filter((p) => p.status === 200)).toHaveLength(1)
      const refused = pair.find((p) => p.status !== 200) as VoteAnswer
      expect(refused.status).toBe(409)
      expect(refusalCode(refused)).toBe('ledger.conflicting_order')
    }
    // The same question again gets the same answer: the lock holds, the vote is the same bytes.
    expect(answerText(await askVote(at(0), a.bytes))).toBe(answerText(forA[0]))

    const votesA = votesOf(forA)
    const votesB = votesOf(forB)
    expect(votesA.length + votesB.length).toBe(4)
    const quorums = [
      [a, votesA],
      [b, votesB],
    ].filter(([, v]) => (v as Vote[]).length >= params.quorum) as [TransferOrder, Vote[]][]
    expect(quorums.length).toBeLessThanOrEqual(1)
    for (const [o, v] of [
      [a, votesA],
      [b, votesB],
    ] as [TransferOrder, Vote[]][]) {
      if (v.length < params.quorum)
        expect(thrownCode(() => buildCertificate(o, v, params))).toBe('ledger.quorum')
    }
    const winner = quorums[0]
    if (winner) {
      const [o, v] = winner
      await pushAll([at(3)], buildCertificate(o, v, params))
      const [won, lost] = o === a ? [x, y] : [y, x]
      await waitBalances(
        nodes,
        new Map([
          [sender.account, { balance: DEMO_BALANCE - o.data.amount, nextSeq: 1 }],
          [accountOf(won), { balance: o.data.amount }],
          [accountOf(lost), { balance: 0n }],
        ]),
      )
    } else {
      // A 2-2 split: the sender locked its own account at seq 0 (its own fault).
      const third = order(net, sender.signer, {
        to: x.publicKey,
        amount: 1n,
        seq: 0,
        kind: 'payment',
      })
      for (const answer of await askAll(nodes, third.bytes))
        expect(refusalCode(answer)).toBe('ledger.conflicting_order')
      await waitBalances(
        nodes,
        new Map([
          [sender.account, { balance: DEMO_BALANCE, nextSeq: 0 }],
          [accountOf(x), { balance: 0n }],
          [accountOf(y), { balance: 0n }],
        ]),
      )
    }
  })

  it('a double spend split between validators (A to v0,v1; B to v2,v3) never gets a certificate', async () => {
    const { nodes, params } = net
    const sender = new Wallet(net.accounts[8] as Signer)
    const [x, y] = [fresh(), fresh()]
    const a = order(net, sender.signer, { to: x.publicKey, amount: 500n, seq: 0, kind: 'payment' })
    const b = order(net, sender.signer, { to: y.publicKey, amount: 700n, seq: 0, kind: 'purchase' })
    const [n0, n1, n2, n3] = nodes as [DevnetNode, DevnetNode, DevnetNode, DevnetNode]
    const [first, second] = await Promise.all([
      askAll([n0, n1], a.bytes),
      askAll([n2, n3], b.bytes),
    ])
    for (const answer of [...first, ...second]) expect(answer.status).toBe(200)
    // Then each to the rest: every validator already holds the other order at this seq.
    const [restA, restB] = await Promise.all([askAll([n2, n3], a.bytes), askAll([n0, n1], b.bytes)])
    for (const answer of [...restA, ...restB]) {
      expect(answer.status).toBe(409)
      expect(refusalCode(answer)).toBe('ledger.conflicting_order')
    }
    // No quorum can be formed for either order, even from every vote given.
    const votesA = votesOf([...first, ...restA])
    const votesB = votesOf([...second, ...restB])
    expect(votesA).toHaveLength(2)
    expect(votesB).toHaveLength(2)
    expect(thrownCode(() => buildCertificate(a, votesA, params))).toBe('ledger.quorum')
    expect(thrownCode(() => buildCertificate(b, votesB, params))).toBe('ledger.quorum')
    // Pushed anyway (2 of 4 votes), every node refuses it.
    const raw = encodeRawCertificate(a, byKey(votesA))
    for (const node of nodes) {
      const r = await pushCertificate(node, raw)
      expect(r.status).toBe(422)
      expect(r.body.code).toBe('ledger.quorum')
    }
    await waitBalances(
      nodes,
      new Map([
        [sender.account, { balance: DEMO_BALANCE, nextSeq: 0 }],
        [accountOf(x), { balance: 0n }],
        [accountOf(y), { balance: 0n }],
      ]),
    )
  })

  it('a double spend that reaches a quorum for one order (A to v0,v1,v2; B to v3): one certificate, balances change once everywhere', async () => {
    const { nodes, params } = net
    const sender = new Wallet(net.accounts[9] as Signer)
    const [x, y] = [fresh(), fresh()]
    const a = order(net, sender.signer, { to: x.publicKey, amount: 900n, seq: 0, kind: 'payment' })
    const b = order(net, sender.signer, { to: y.publicKey, amount: 800n, seq: 0, kind: 'payment' })
    const [n0, n1, n2, n3] = nodes as [DevnetNode, DevnetNode, DevnetNode, DevnetNode]
    const [first, second] = await Promise.all([
      askAll([n0, n1, n2], a.bytes),
      askAll([n3], b.bytes),
    ])
    for (const answer of [...first, ...second]) expect(answer.status).toBe(200)
    const [restA, restB] = await Promise.all([askAll([n3], a.bytes), askAll([n0, n1, n2], b.bytes)])
    for (const answer of [...restA, ...restB])
      expect(refusalCode(answer)).toBe('ledger.conflicting_order')
    const votesA = votesOf([...first, ...restA])
    const votesB = votesOf([...second, ...restB])
    expect(votesB).toHaveLength(1)
    expect(thrownCode(() => buildCertificate(b, votesB, params))).toBe('ledger.quorum')
    // A's votes do not count for B: they sign another order.
    expect(thrownCode(() => buildCertificate(b, [...votesB, ...votesA], params))).toBe(
      'ledger.vote_signature',
    )
    const stolen = byKey([
      ...votesB,
      ...votesA.filter((v) => compareBytes(v.validator, votesB[0]?.validator as Uint8Array) !== 0),
    ]).slice(0, 3)
    const forgedB = await pushCertificate(n0, encodeRawCertificate(b, stolen))
    expect(forgedB.status).toBe(422)
    expect(forgedB.body.code).toBe('ledger.vote_signature')

    // A's certificate goes to v3, the validator that voted for B: it applies it.
    const certA = buildCertificate(a, votesA, params)
    expect((await pushCertificate(n3, certA.bytes)).status).toBe(201)
    await waitBalances(
      nodes,
      new Map([
        [sender.account, { balance: DEMO_BALANCE - 900n, nextSeq: 1 }],
        [accountOf(x), { balance: 900n }],
        [accountOf(y), { balance: 0n }],
      ]),
    )
    // Pushed again everywhere: a duplicate on every node, still one transfer.
    for (const r of await pushAll(nodes, certA)) expect(r.status).toBe(200)
    for (const node of nodes) {
      const list = await transfersOf(node, sender.account)
      expect(list.map((t) => t.id)).toEqual([toHex(a.id)])
    }
    // B is now refused for its seq, not just its lock.
    for (const answer of await askAll([n3], b.bytes))
      expect(refusalCode(answer)).toBe('ledger.conflicting_order')
  })

  it("one Byzantine validator (node-3's key) voting for both orders cannot make a second certificate", async () => {
    const { nodes, params, validators } = net
    const byzantine = validators[3] as Signer
    const [n0, n1, n2] = nodes as [DevnetNode, DevnetNode, DevnetNode]
    const sender = new Wallet(net.accounts[10] as Signer)
    const [x, y] = [fresh(), fresh()]
    const a = order(net, sender.signer, {
      to: x.publicKey,
      amount: 5_000n,
      seq: 0,
      kind: 'payment',
    })
    const b = order(net, sender.signer, {
      to: y.publicKey,
      amount: 7_000n,
      seq: 0,
      kind: 'payment',
    })
    // Node-3's key signs both; the honest validators split, then each order goes to the rest.
    const byzA = signVote(a.id, byzantine)
    const byzB = signVote(b.id, byzantine)
    const [first, second] = await Promise.all([askAll([n0, n1], a.bytes), askAll([n2], b.bytes)])
    for (const answer of [...first, ...second]) expect(answer.status).toBe(200)
    const [restA, restB] = await Promise.all([askAll([n2], a.bytes), askAll([n0, n1], b.bytes)])
    for (const answer of [...restA, ...restB])
      expect(refusalCode(answer)).toBe('ledger.conflicting_order')

    const votesA = [...votesOf([...first, ...restA]), byzA]
    const votesB = [...votesOf([...second, ...restB]), byzB]
    // A: two honest votes and the Byzantine one reach the quorum; B cannot.
    const certA = buildCertificate(a, votesA, params)
    expect(votesB).toHaveLength(2)
    expect(thrownCode(() => buildCertificate(b, votesB, params))).toBe('ledger.quorum')
    // Every way to dress up B's two votes as a quorum is refused by every node.
    const forgeries: [Uint8Array, string][] = [
      [encodeRawCertificate(b, byKey(votesB)), 'ledger.quorum'],
      [encodeRawCertificate(b, byKey([...votesB, byzB])), 'ledger.duplicate_validator'],
      [
        encodeRawCertificate(
          b,
          byKey([
            ...votesB,
            ...votesA.filter(
              (v) => !votesB.some((w) => compareBytes(w.validator, v.validator) === 0),
            ),
          ]),
        ),
        'ledger.vote_signature',
      ],
    ]
    for (const [bytes, code] of forgeries) {
      for (const node of nodes) {
        const r = await pushCertificate(node, bytes)
        expect(r.status).toBe(422)
        expect(r.body.code).toBe(code)
      }
    }
    // A is certified; pushed to node-3 alone, it reaches every node, and only A.
    expect((await pushCertificate(at(3), certA.bytes)).status).toBe(201)
    await waitBalances(
      nodes,
      new Map([
        [sender.account, { balance: DEMO_BALANCE - 5_000n, nextSeq: 1 }],
        [accountOf(x), { balance: 5_000n }],
        [accountOf(y), { balance: 0n }],
      ]),
    )
  })

  it('refuses bad orders and forged certificates with their codes, changes no balance, and counts the refusals in /metrics', async () => {
    const { nodes, params, validators } = net
    const sender = new Wallet(net.accounts[11] as Signer)
    const x = fresh()
    await waitSameRoot(nodes, (await ledgerOf(at(0))).certificates)
    const before = await Promise.all(nodes.map(ledgerOf))
    const votesMetric = (node: (typeof nodes)[0], outcome: string) =>
      metric(node, 'freebird_ledger_votes_total', { outcome })

    // Orders every validator refuses, with the code and the HTTP status (422 invalid, 409 not now).
    const stranger = fresh()
    const good = order(net, sender.signer, {
      to: x.publicKey,
      amount: 10n,
      seq: 0,
      kind: 'payment',
    })
    const badOrders: [string, Uint8Array, number, string][] = [
      [
        'overdraft',
        order(net, sender.signer, {
          to: x.publicKey,
          amount: DEMO_BALANCE + 1n,
          seq: 0,
          kind: 'payment',
        }).bytes,
        409,
        'ledger.insufficient_balance',
      ],
      [
        'wrong seq',
        order(net, sender.signer, { to: x.publicKey, amount: 10n, seq: 3, kind: 'payment' }).bytes,
        409,
        'ledger.wrong_seq',
      ],
      [
        'signed by another key',
        encodeCanonical({ order: good.dataBytes, signature: stranger.sign(good.id) }),
        422,
        'ledger.signature',
      ],
      [
        'an account that never held tokens',
        order(net, stranger, { to: x.publicKey, amount: 1n, seq: 0, kind: 'payment' }).bytes,
        409,
        'ledger.unknown_account',
      ],
      [
        'another network',
        buildTransferOrder(
          { to: x.publicKey, amount: 10n, seq: 0, kind: 'payment' },
          { network: randomBytes(16), signer: sender.signer },
        ).bytes,
        422,
        'ledger.network',
      ],
      [
        'a reward from an account that is not the issuer',
        order(net, sender.signer, { to: x.publicKey, amount: 10n, seq: 0, kind: 'reward' }).bytes,
        422,
        'ledger.not_issuer',
      ],
    ]
    // Each validator counts each refusal once, under its code.
    const codes = badOrders.map(([, , , code]) => code)
    const counts = () =>
      Promise.all(nodes.map((n) => Promise.all(codes.map((c) => votesMetric(n, c)))))
    const votesBefore = await counts()
    for (const [what, bytes, status, code] of badOrders) {
      for (const answer of await askAll(nodes, bytes)) {
        expect({ what, status: answer.status, code: refusalCode(answer) }).toEqual({
          what,
          status,
          code,
        })
      }
    }
    const votesAfter = await counts()
    const deltas = votesAfter.map((row, i) =>
      Object.fromEntries(row.map((n, j) => [codes[j], n - (votesBefore[i]?.[j] as number)])),
    )
    expect(deltas).toEqual(nodes.map(() => Object.fromEntries(codes.map((c) => [c, 1]))))

    // None of that locked anything: the good order gets every vote.
    const answers = await askAll(nodes, good.bytes)
    for (const answer of answers) expect(answer.status).toBe(200)
    const votes = byKey(votesOf(answers))
    const [v0, v1, v2] = votes as [Vote, Vote, Vote]
    const outsider = signVote(good.id, fresh())
    const flipped = { ...v2, signature: Uint8Array.from(v2.signature) }
    flipped.signature[10] = (flipped.signature[10] as number) ^ 0x01
    const forgeries: [string, Uint8Array, string][] = [
      ['two votes', encodeRawCertificate(good, [v0, v1]), 'ledger.quorum'],
      [
        'a signer outside the committee',
        encodeRawCertificate(good, byKey([v0, v1, outsider])),
        'ledger.unknown_validator',
      ],
      [
        'one validator twice',
        encodeRawCertificate(good, [v0, v0, v1]),
        'ledger.duplicate_validator',
      ],
      [
        'a bad vote signature',
        encodeRawCertificate(good, [v0, v1, flipped]),
        'ledger.vote_signature',
      ],
    ]
    const refusedMetric = (node: (typeof nodes)[0], code: string) =>
      metric(node, 'freebird_ledger_certificates_refused_total', { code })
    for (const [i, [what, bytes, code]] of forgeries.entries()) {
      const node = nodes[i % nodes.length] as (typeof nodes)[0]
      const counted = await refusedMetric(node, code)
      const r = await pushCertificate(node, bytes)
      expect({ what, status: r.status, code: r.body.code }).toEqual({ what, status: 422, code })
      expect(await refusedMetric(node, code)).toBe(counted + 1)
    }
    // No certificate was stored and no balance moved, on any node.
    const after = await Promise.all(nodes.map(ledgerOf))
    expect(after.map((l) => [l.certificates, l.root])).toEqual(
      before.map((l) => [l.certificates, l.root]),
    )
    await waitBalances(
      nodes,
      new Map([
        [sender.account, { balance: DEMO_BALANCE, nextSeq: 0 }],
        [accountOf(x), { balance: 0n }],
        [accountOf(stranger), { balance: 0n, nextSeq: 0 }],
      ]),
    )
    // The real certificate from the same votes is accepted.
    const cert = buildCertificate(good, votes, params)
    expect(cert.votes.map((v) => toHex(v.validator)).sort()).toEqual(
      validators.map((v) => toHex(v.publicKey)).sort(),
    )
    expect((await pushCertificate(at(0), cert.bytes)).status).toBe(201)
    await waitBalances(
      nodes,
      new Map([
        [sender.account, { balance: DEMO_BALANCE - 10n, nextSeq: 1 }],
        [accountOf(x), { balance: 10n }],
      ]),
    )
  })

  // Each Gossip takes only its own topic: were certificates fed to the message
  // ingest (or posts to the ledger), honest validators would reject and graylist each other.
  it("a certificate pushed to one node reaches the others by gossip, and honest nodes never reject each other's gossip", async () => {
    const { nodes } = net
    const sender = new Wallet(net.accounts[12] as Signer)
    const x = fresh()
    const counters = () =>
      Promise.all(
        nodes.map(async (n) => [
          await metric(n, 'freebird_ledger_certificates_applied_total', { source: 'gossip' }),
          await metric(n, 'freebird_gossip_received_total', { verdict: 'ignore' }),
          await metric(n, 'freebird_gossip_received_total', { verdict: 'reject' }),
        ]),
      )
    const before = await counters()
    const deltas = async () =>
      (await counters()).map((row, i) => row.map((n, j) => n - (before[i]?.[j] as number)))
    const o = order(net, sender.signer, { to: x.publicKey, amount: 3n, seq: 0, kind: 'payment' })
    const cert = buildCertificate(o, votesOf(await askAll(nodes, o.bytes)), net.params, verify)
    expect((await pushCertificate(at(0), cert.bytes)).status).toBe(201)
    await waitBalances(nodes, new Map([[accountOf(x), { balance: 3n }]]))
    // Nodes 1 to 3 get it by gossip: applied, or ignored as a duplicate when a
    // sync round happened to bring it first.
    await waitFor(
      async () =>
        (await deltas()).slice(1).every(([applied = 0, ignored = 0]) => applied + ignored >= 1),
      'the certificate by gossip on nodes 1 to 3',
    )
    const delta = await deltas()
    expect(delta[0]?.[0]).toBe(0)
    expect(delta.filter(([applied]) => applied === 1).length).toBeGreaterThanOrEqual(1)
    // Nobody rejected anything.
    expect(delta.map(([, , rejected]) => rejected)).toEqual([0, 0, 0, 0])
  })
})
