import { describe, expect, it } from 'vitest'
import {
  authorizeSigner,
  buildPostAdd,
  buildSignerAdd,
  buildSignerRemove,
  createSigner,
  gossipAction,
  type Message,
  signerSetOf,
} from '../src/index.ts'
import { alice, app, NETWORK, T0 } from './fixtures.ts'

const root = { network: NETWORK, signer: createSigner(alice.secretKey) }
const viaApp = (timestamp: number) =>
  buildPostAdd(
    { text: 'via app' },
    { network: NETWORK, signer: createSigner(app.secretKey), author: alice.publicKey, timestamp },
  )
const codeOf = (m: Message, ms: Message[]) => authorizeSigner(m, signerSetOf(ms))?.code ?? 'ok'

describe('authorizeSigner', () => {
  const add = buildSignerAdd(
    { key: app.publicKey, expiresAt: T0 + 100 },
    { ...root, timestamp: T0 },
  )

  it('always authorizes the root key', () => {
    expect(codeOf(buildPostAdd({ text: 'root' }, { ...root, timestamp: T0 }), [])).toBe('ok')
  })

  it('authorizes an added key before its expiry, within scope', () => {
    expect(codeOf(viaApp(T0 + 99), [add])).toBe('ok')
  })

  it('refuses an unknown key', () => {
    expect(codeOf(viaApp(T0), [])).toBe('unauthorized.unknown_signer')
  })

  it('refuses at and after the expiry', () => {
    expect(codeOf(viaApp(T0 + 100), [add])).toBe('unauthorized.signer_expired')
  })

  it('refuses a removed key, even for messages older than the removal', () => {
    const remove = buildSignerRemove({ key: app.publicKey }, { ...root, timestamp: T0 + 50 })
    expect(codeOf(viaApp(T0 + 1), [add, remove])).toBe('unauthorized.signer_removed')
    expect(codeOf(viaApp(T0 + 1), [remove, add])).toBe('unauthorized.signer_removed')
  })

  it('refuses types outside the scope', () => {
    const transferOnly = buildSignerAdd(
      { key: app.publicKey, expiresAt: T0 + 100, scope: ['transfer'] },
      { ...root, timestamp: T0 },
    )
    expect(codeOf(viaApp(T0 + 1), [transferOnly])).toBe('unauthorized.signer_scope')
  })

  it('maps only a removal to a final reject; the rest may become valid later', () => {
    expect(gossipAction('unauthorized.signer_removed')).toBe('reject')
    expect(gossipAction('unauthorized.unknown_signer')).toBe('ignore')
    expect(gossipAction('unauthorized.signer_expired')).toBe('ignore')
    expect(gossipAction('unauthorized.signer_scope')).toBe('ignore')
    expect(authorizeSigner(viaApp(T0), new Map())?.action).toBe('ignore')
  })

  it('lets the latest add set expiry and scope', () => {
    const longer = buildSignerAdd(
      { key: app.publicKey, expiresAt: T0 + 1000 },
      { ...root, timestamp: T0 + 10 },
    )
    expect(codeOf(viaApp(T0 + 500), [add, longer])).toBe('ok')
    expect(codeOf(viaApp(T0 + 500), [longer, add])).toBe('ok')
  })
})
