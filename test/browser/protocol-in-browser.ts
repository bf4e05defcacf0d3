/**
 * Runs in the page, not in Node: bundled for the browser by the test, so it
 * proves @freebird/protocol's source needs nothing but web APIs.
 */

import {
  buildMessage,
  buildPostAdd,
  createSigner,
  formatAccount,
  fromHex,
  generateKeyPair,
  type MessageBodies,
  type MessageType,
  networkIdFromGenesis,
  parseAccount,
  reduceMessages,
  toHex,
  utf8,
  validateMessage,
} from '../../packages/protocol/src/index.ts'
import { fromJson, type Json } from '../../packages/protocol/test/json.ts'

interface Vectors {
  messages: {
    network: string
    now: number
    vectors: { name: string; input: Json; output: { envelope: string; id: string } }[]
  }
  invalid: { now: number; vectors: { name: string; envelope: string; code: string }[] }
  state: { now: number; scenarios: { name: string; messages: string[]; view: unknown }[] }
}

/** Checks every vector; returns the count checked and every mismatch. */
export function run(v: Vectors): {
  checked: number
  failures: string[]
  userAgent: string
  account: string
} {
  const network = fromHex(v.messages.network)
  const failures: string[] = []
  let checked = 0
  const expect = (ok: boolean, what: string) => {
    checked++
    if (!ok) failures.push(what)
  }

  for (const vector of v.messages.vectors) {
    const input = fromJson(vector.input) as {
      type: MessageType
      body: MessageBodies[MessageType]
      secretKey: Uint8Array
      author?: Uint8Array
      timestamp: number
    }
    const built = buildMessage(input.type, input.body, {
      network,
      signer: createSigner(input.secretKey),
      timestamp: input.timestamp,
      ...(input.author ? { author: input.author } : {}),
    })
    expect(toHex(built.bytes) === vector.output.envelope, `build ${vector.name}`)
    const r = validateMessage(fromHex(vector.output.envelope), { network, now: v.messages.now })
    expect(r.ok && toHex(r.message.id) === vector.output.id, `validate ${vector.name}`)
  }
  for (const vector of v.invalid.vectors) {
    const r = validateMessage(fromHex(vector.envelope), { network, now: v.invalid.now })
    expect(!r.ok && r.error.code === vector.code, `invalid ${vector.name}`)
  }
  for (const s of v.state.scenarios) {
    const messages = s.messages.map((hex) => {
      const r = validateMessage(fromHex(hex), { network, now: v.state.now })
      if (!r.ok) throw r.error
      return r.message
    })
    expect(
      JSON.stringify(reduceMessages(messages.reverse())) === JSON.stringify(s.view),
      `state ${s.name}`,
    )
  }

  // Fresh keys from the browser's crypto.getRandomValues, a round trip through everything.
  const keys = generateKeyPair()
  const own = networkIdFromGenesis(utf8('browser'))
  const post = buildPostAdd(
    { text: 'signed in a browser' },
    { network: own, signer: createSigner(keys.secretKey) },
  )
  const account = formatAccount(keys.publicKey)
  expect(validateMessage(post.bytes, { network: own }).ok, 'fresh post validates')
  expect(toHex(parseAccount(account)) === toHex(keys.publicKey), 'account round trip')
  return { checked, failures, userAgent: navigator.userAgent, account }
}
