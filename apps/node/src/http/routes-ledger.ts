import {
  decodeCanonical,
  encodeCanonical,
  FreebirdError,
  formatAccount,
  LedgerError,
  toHex,
} from '@freebird/protocol'
import { decodeCertificate, type TransferJson, transferToJson } from '@freebird/protocol/ledger'
import type { FastifyInstance } from 'fastify'
import type { Ledger } from '../ledger/ledger.ts'
import { answerLedgerRequest } from '../ledger/requests.ts'
import { u64 } from '../store/keys.ts'
import type { HttpContext } from './context.ts'
import { HttpError } from './errors.ts'
import { accountParam, beforeParam, idParam, limitParam } from './params.ts'

/** Most requests in one POST /v1/ledger/batch. */
const MAX_BATCH = 1024

/** HTTP status of a ledger refusal: invalid forever 422, a validator's "not now" 409. */
export const ledgerStatus = (error: LedgerError): number =>
  error.code === 'ledger.too_large' ? 413 : error.action === 'reject' ? 422 : 409

const bodyOf = (body: unknown): Uint8Array => {
  if (!(body instanceof Uint8Array))
    throw new HttpError(
      415,
      'http.unsupported_media_type',
      'send the bytes as application/octet-stream',
    )
  return new Uint8Array(body)
}

/** The token ledger: orders (validators), certificates, balances, transfers, tips. */
export function ledgerRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const ledgerOf = (): Ledger => {
    if (!ctx.ledger) throw new HttpError(404, 'ledger.no_ledger', 'this node keeps no ledger')
    return ctx.ledger
  }
  const json = (ledger: Ledger, bytes: Uint8Array): TransferJson =>
    transferToJson(decodeCertificate(bytes, ledger.params, () => true))

  app.get('/v1/genesis', async (_request, reply) =>
    reply.type('application/json').send(Buffer.from(ctx.genesis.bytes)),
  )

  app.get('/v1/ledger', async () => {
    const ledger = ledgerOf()
    const p = ledger.params
    const issuer = p.issuer ? ledger.state.account(p.issuer) : undefined
    return {
      validator: ledger.validatorKey ? formatAccount(ledger.validatorKey) : null,
      committee: p.committee.map((v) => ({
        validator: formatAccount(v.key),
        weight: v.weight,
        peerId: v.peerId,
      })),
      // No committee, no ledger: no weight is a quorum.
      quorum: p.committee.length > 0 ? p.quorum : null,
      issuer: p.issuer ? formatAccount(p.issuer) : null,
      supplyCap: p.supplyCap.toString(),
      minted: (issuer?.minted ?? 0n).toString(),
      allocated: [...p.allocations.values()].reduce((a, b) => a + b, 0n).toString(),
      ...(await ledger.summary()),
    }
  })

  app.post('/v1/ledger/orders', { bodyLimit: 4096 }, async (request, reply) => {
    const ledger = ledgerOf()
    try {
      const vote = await ledger.vote(bodyOf(request.body))
      return reply.send({ vote: toHex(vote) })
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error
      return reply.code(ledgerStatus(error)).send({ code: error.code, message: error.message })
    }
  })

  app.post('/v1/ledger/certificates', { bodyLimit: 64 * 1024 }, async (request, reply) => {
    const result = await ledgerOf().submit(bodyOf(request.body), 'http')
    if (result.status === 'stored' || result.status === 'duplicate')
      return reply
        .code(result.status === 'stored' ? 201 : 200)
        .send({ id: toHex(result.id), status: result.status })
    const status =
      result.code === 'ledger.too_large' ? 413 : result.status === 'rejected' ? 422 : 409
    return reply.code(status).send({ code: result.code, message: result.message })
  })

  // Many ledger requests in one round trip (PROTOCOL.md §14.13): a CBOR array of
  // request maps in, a CBOR array of answers out, in order. A wallet service or a
  // busy client sends its orders and certificates together instead of one request each.
  app.post('/v1/ledger/batch', { bodyLimit: 1024 * 1024 }, async (request, reply) => {
    const ledger = ledgerOf()
    let requests: unknown
    try {
      requests = decodeCanonical(bodyOf(request.body), 'batch')
    } catch (error) {
      if (!(error instanceof FreebirdError)) throw error
      throw new HttpError(400, error.code, error.message)
    }
    if (!Array.isArray(requests) || requests.length > MAX_BATCH)
      throw new HttpError(
        400,
        'ledger.bad_request',
        `a batch is a CBOR array of at most ${MAX_BATCH} requests`,
      )
    const deps = { ledger, genesis: ctx.genesis.bytes }
    const answers = await Promise.all(requests.map((r) => answerLedgerRequest(deps, r, 'http')))
    return reply.type('application/cbor').send(Buffer.from(encodeCanonical(answers)))
  })

  app.get<{ Params: { id: string } }>('/v1/ledger/transfers/:id', async (request) => {
    const ledger = ledgerOf()
    const bytes = await ledger.certificate(idParam(request.params.id))
    if (!bytes) throw new HttpError(404, 'http.not_found', 'no certified transfer with that id')
    return json(ledger, bytes)
  })

  app.get<{ Params: { account: string } }>('/v1/accounts/:account/balance', async (request) => {
    const ledger = ledgerOf()
    const account = accountParam(request.params.account)
    const b = ledger.balance(account)
    return {
      account: formatAccount(account),
      balance: b.balance.toString(),
      nextSeq: b.nextSeq,
      ...(b.attestation ? { attestation: toHex(b.attestation.bytes) } : {}),
    }
  })

  app.get<{ Params: { account: string }; Querystring: { limit?: string; before?: string } }>(
    '/v1/accounts/:account/transfers',
    async (request) => {
      const ledger = ledgerOf()
      const account = accountParam(request.params.account)
      const before = beforeParam(request.query.before)
      const list = await ledger.transfers(account, {
        limit: limitParam(request.query.limit, 50, 500),
        ...(before !== undefined ? { before: u64(before) } : {}),
      })
      return { account: formatAccount(account), transfers: list.map((b) => json(ledger, b)) }
    },
  )

  app.get<{ Params: { id: string }; Querystring: { limit?: string; before?: string } }>(
    '/v1/posts/:id/tips',
    async (request) => {
      const ledger = ledgerOf()
      const post = idParam(request.params.id)
      const before = beforeParam(request.query.before)
      const list = await ledger.tipsTo(post, {
        limit: limitParam(request.query.limit, 100, 1000),
        ...(before !== undefined ? { before: u64(before) } : {}),
      })
      return {
        post: toHex(post),
        total: ledger.state.tipsOf(post).toString(),
        tips: list.map((b) => json(ledger, b)),
      }
    },
  )
}
