import { MAX_MESSAGE_BYTES } from '@freebird/protocol'
import { expect, it } from 'vitest'
import { parseSubmission } from '../src/http/submit-parse.ts'

const request = (head: string, body = 'abc') =>
  Buffer.from(`${head.replaceAll('\n', '\r\n')}\r\n\r\n${body}`, 'latin1')
const HEAD = 'POST /v1/messages HTTP/1.1\nHost: n\nContent-Type: application/octet-stream'
const plain = (extra = '', length = 3) =>
  request(
    `POST /v1/messages HTTP/1.1\nHost: n\nContent-Type: application/octet-stream\nContent-Length: ${length}${extra}`,
  )

it('finds the body of a plain submission, and waits for every byte of it', () => {
  const bytes = plain()
  const found = parseSubmission(bytes)
  expect(found).toEqual({ bodyStart: bytes.length - 3, end: bytes.length })
  for (let cut = 0; cut < bytes.length; cut++) {
    const { need } = parseSubmission(bytes.subarray(0, cut)) as { need: number }
    // More bytes are needed: all of the head, then exactly the whole body.
    expect(need, `cut at ${cut}`).toBe(cut < bytes.length - 3 ? cut + 1 : bytes.length)
  }
  // What follows belongs to the next request.
  expect(parseSubmission(Buffer.concat([bytes, plain()]))).toEqual(found)
  expect(parseSubmission(plain('\nConnection: Keep-Alive\nUser-Agent: x/1 (y)'))).not.toBe('other')
  const cbor =
    'POST /v1/messages HTTP/1.1\nHost: n\nContent-Type: application/cbor\nContent-Length: 3'
  expect(parseSubmission(request(cbor))).not.toBe('other')
})

it('leaves every other request to node:http', () => {
  const others: [string, Buffer][] = [
    ['another route', request('GET /v1/health HTTP/1.1\nHost: n', '')],
    [
      'HTTP/1.0',
      request(
        'POST /v1/messages HTTP/1.0\nHost: n\nContent-Type: application/octet-stream\nContent-Length: 3',
      ),
    ],
    [
      'a query',
      request(
        'POST /v1/messages?a=1 HTTP/1.1\nHost: n\nContent-Type: application/octet-stream\nContent-Length: 3',
      ),
    ],
    [
      'no Host',
      request(
        'POST /v1/messages HTTP/1.1\nContent-Type: application/octet-stream\nContent-Length: 3',
      ),
    ],
    [
      'no length',
      request('POST /v1/messages HTTP/1.1\nHost: n\nContent-Type: application/octet-stream'),
    ],
    [
      'another type',
      request('POST /v1/messages HTTP/1.1\nHost: n\nContent-Type: text/plain\nContent-Length: 3'),
    ],
    ['chunked', plain('\nTransfer-Encoding: chunked')],
    ['expect', plain('\nExpect: 100-continue')],
    ['upgrade', plain('\nUpgrade: websocket')],
    ['close', plain('\nConnection: close')],
    ['two lengths', plain('\nContent-Length: 3')],
    ['two types', plain('\nContent-Type: application/octet-stream')],
    ['two hosts', plain('\nHost: m')],
    ['a signed length', plain('', -3)],
    ['a body past a message', plain('', MAX_MESSAGE_BYTES + 1)],
    ['a vertical tab before the length', request(`${HEAD}\nContent-Length:\x0b3`)],
    ['a no-break space after the length', request(`${HEAD}\nContent-Length: 3\xa0`)],
    ['a folded line', plain('\n folded')],
    // After the request line and Host (37 bytes): "X-A: 1<LF>2" as one header line.
    [
      'a bare LF in a value',
      Buffer.concat([plain().subarray(0, 37), Buffer.from('X-A: 1\n2\r\n'), plain().subarray(37)]),
    ],
    ['a space before the colon', plain('\nX-A : 1')],
    ['a head past 4 KB', plain(`\nX-Long: ${'a'.repeat(5000)}`)],
    ['a head that never ends', Buffer.from(`POST /v1/messages HTTP/1.1\r\nX: ${'a'.repeat(5000)}`)],
  ]
  for (const [name, bytes] of others) expect(parseSubmission(bytes), name).toBe('other')
})
