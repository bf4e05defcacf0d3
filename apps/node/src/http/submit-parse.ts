import { MAX_MESSAGE_BYTES } from '@freebird/protocol'

const REQUEST_LINE = Buffer.from('POST /v1/messages HTTP/1.1\r\n')
const HEAD_END = Buffer.from('\r\n\r\n')
/** Longest request head the lane reads; a longer one goes to node:http, which has its own limit. */
const MAX_HEAD = 4096
const MEDIA_TYPES = new Set(['application/octet-stream', 'application/cbor'])
const DIGITS = /^\d{1,9}$/
const OWS = /^[ \t]+|[ \t]+$/g
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** Tabs, visible ASCII and obs-text: no control bytes (so no bare CR or LF). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/**
 * The next request at the start of `b`, if it is a plain submission: the exact
 * request line `POST /v1/messages HTTP/1.1`, a Host, one Content-Length of at
 * most a message's size, one Content-Type that is ours, no Transfer-Encoding,
 * Expect or Upgrade, Connection only keep-alive, well-formed header lines.
 * Returns where its body is; `need`, the bytes `b` must hold before this can
 * say more; or 'other' for anything else (left to node:http, which parses it
 * from its first byte, and answers an oversize body with the usual 413).
 */
export function parseSubmission(
  b: Buffer,
): { bodyStart: number; end: number } | { need: number } | 'other' {
  const prefix = Math.min(b.length, REQUEST_LINE.length)
  if (b.compare(REQUEST_LINE, 0, prefix, 0, prefix) !== 0) return 'other'
  const headEnd = b.indexOf(HEAD_END)
  if (headEnd < 0) return b.length < MAX_HEAD ? { need: b.length + 1 } : 'other'
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
    // Only spaces and tabs are optional whitespace (trim() would also take VT, FF, NBSP: llhttp does not).
    const value = line.slice(colon + 1).replace(OWS, '')
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
  if (length === undefined || !typed || !host || length > MAX_MESSAGE_BYTES) return 'other'
  const bodyStart = headEnd + 4
  if (b.length < bodyStart + length) return { need: bodyStart + length }
  return { bodyStart, end: bodyStart + length }
}
