import { encodeCanonical } from '../encoding.ts'
import { LedgerError } from '../errors.ts'
import {
  MAX_CERTIFICATE_BATCH,
  MAX_CERTIFICATE_BATCH_BYTES,
  MAX_CERTIFICATE_BYTES,
} from '../limits.ts'
import { decodeLedger } from './wire.ts'

/**
 * Certificates gossiped together (PROTOCOL.md §14.13): a CBOR array of 1 to
 * MAX_CERTIFICATE_BATCH certificate byte strings. One gossip message per
 * batch, not per certificate: each message costs every peer a frame to
 * decrypt, parse and dedup, whatever it carries.
 */
export function encodeCertificateBatch(certificates: readonly Uint8Array[]): Uint8Array {
  checkCount(certificates.length)
  for (const c of certificates) checkItem(c)
  const bytes = encodeCanonical([...certificates])
  checkSize(bytes.length)
  return bytes
}

/**
 * The certificates of a batch, each still to be decoded and verified on its
 * own (decodeCertificate): this checks only the batch's shape and sizes.
 */
export function decodeCertificateBatch(bytes: Uint8Array): Uint8Array[] {
  checkSize(bytes.length)
  const items = decodeLedger(bytes, 'certificate batch')
  if (!Array.isArray(items))
    throw new LedgerError('ledger.encoding', 'a certificate batch is a list')
  checkCount(items.length)
  for (const [i, item] of items.entries()) {
    if (!(item instanceof Uint8Array))
      throw new LedgerError('ledger.encoding', `batch item ${i} must be a byte string`)
    checkItem(item)
  }
  return items as Uint8Array[]
}

function checkCount(n: number): void {
  if (n === 0) throw new LedgerError('ledger.encoding', 'a certificate batch is not empty')
  if (n > MAX_CERTIFICATE_BATCH)
    throw new LedgerError(
      'ledger.too_large',
      `batch of ${n} certificates; the limit is ${MAX_CERTIFICATE_BATCH}`,
    )
}

function checkItem(certificate: Uint8Array): void {
  if (certificate.length > MAX_CERTIFICATE_BYTES)
    throw new LedgerError(
      'ledger.too_large',
      `certificate is ${certificate.length} bytes; the limit is ${MAX_CERTIFICATE_BYTES}`,
    )
}

function checkSize(n: number): void {
  if (n > MAX_CERTIFICATE_BATCH_BYTES)
    throw new LedgerError(
      'ledger.too_large',
      `certificate batch is ${n} bytes; the limit is ${MAX_CERTIFICATE_BATCH_BYTES}`,
    )
}
