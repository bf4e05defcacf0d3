import { formatAccount } from '../account.ts'
import { fromHex, toHex } from '../bytes.ts'
import type { Verifier } from '../signature.ts'
import { decodeCertificate } from './certificate.ts'
import type { LedgerParams } from './committee.ts'
import type { Certificate, TransferKind } from './types.ts'

/** A certified transfer as JSON (the HTTP API's form). `certificate` is the hex bytes to verify. */
export interface TransferJson {
  id: string
  from: string
  to: string
  /** Base units, as a decimal string (amounts pass 2^53). */
  amount: string
  seq: number
  kind: TransferKind
  ref?: string
  memo?: string
  timestamp: number
  certificate: string
}

export function transferToJson(c: Certificate): TransferJson {
  const d = c.order.data
  return {
    id: toHex(c.order.id),
    from: formatAccount(d.from),
    to: formatAccount(d.to),
    amount: d.amount.toString(),
    seq: d.seq,
    kind: d.kind,
    ...(d.ref ? { ref: toHex(d.ref) } : {}),
    ...(d.memo !== undefined ? { memo: d.memo } : {}),
    timestamp: d.timestamp,
    certificate: toHex(c.bytes),
  }
}

/**
 * The certificate a TransferJson carries, verified; the other fields are
 * only a convenience and are not trusted.
 */
export const transferFromJson = (
  json: TransferJson,
  params: LedgerParams,
  verify?: Verifier,
): Certificate => decodeCertificate(fromHex(json.certificate), params, verify)
