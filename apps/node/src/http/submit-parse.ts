import { SUBMIT_BODY_LIMIT } from './submit-reply.ts'

const REQUEST_LINE = Buffer.from('POST /v1/messages HTTP/1.1\r\n')
const HEAD_END = Buffer.from('\r\n\r\n')
/** Longest request head the lane reads; a longer one goes to node:http, which has its own limit. */
const MAX_HEAD = 4096
const MEDIA_TYPES = new Set(['application/octet-stream', 'application/cbor'])
const DIGITS = /^\d{1,9}$/
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** Tabs, visible ASCII and obs-text: no control bytes (so no bare CR or LF). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/**
 * The next request at the start of `b`, if it is a plain submission: the exact
 * request line `POST /v1/messages HTTP/1.1`, a Host, one Content-Length within
 * the limit, one Content-Type that is ours, no Transfer-Encoding, Expect or
 * Upgrade, Connection only keep-alive, well-formed header lines. Returns
 * where its body is, 'more' while its bytes have not all arrived, or 'other'
 * for anything else (left to node:http, which parses it from the first byte).
 */
export function parseSubmission(b: Buffer): { bodyStart: number; end: number } | 'more' | 'other' {
  const prefix = Math.min(b.length, REQUEST_LINE.length)
  if (b.compare(REQUEST_LINE, 0, prefix, 0, prefix) !== 0) return 'other'
  const headEnd = b.indexOf(HEAD_END)
  if (headEnd < 0) return b.length < MAX_HEAD ? 'more' : 'other'
  if (headEnd + 4 > MAX_HEAD) return 'other'
  let length: number | undefined
  let typed = false
  let host = false
  for (let at = REQUEST_LINE.length; at < headEnd + 2; ) {
    const eol = b.indexOf('\r\n', at, 'latin1')
    const line = b.toString('latin1', at, eol)
    at = eol + 2
    const colon = line.indexOf(':')
    if (colon <= 0) return 'other'
    const name = line.slice(0, colon)
    const value = line.slice(colon + 1).trim()
    if (!TOKEN.test(name) || !FIELD_VALUE.test(value)) return 'other'
    switch (name.toLowerCase()) {
      case 'content-length':
        if (length !== undefined || !DIGITS.test(value)) return 'other'
        length = Number(value)
        break
      case 'content-type':
        if (typed || !MEDIA_TYPES.has(value)) return 'other'
        typed = true
        break
      case 'host':
        if (host) return 'other'
        host = true
        break
      case 'connection':
        if (value.toLowerCase() !== 'keep-alive') return 'other'
        break
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
        return 'other'
    }
  }
  if (length === undefined || !typed || !host || length > SUBMIT_BODY_LIMIT) return 'other'
  const bodyStart = headEnd + 4
  if (b.length < bodyStart + length) return 'more'
  return { bodyStart, end: bodyStart + length }
}
