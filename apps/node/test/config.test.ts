import { describe, expect, it } from 'vitest'
import { CliError } from '../src/cli-error.ts'
import { DEFAULTS, resolveConfig } from '../src/config.ts'

const codeOf = (fn: () => unknown) => {
  try {
    fn()
    return 'ok'
  } catch (e) {
    if (e instanceof CliError) return e.code
    throw e
  }
}

describe('resolveConfig', () => {
  it('takes flags over FREEBIRD_* env over defaults; env lists are comma-separated', () => {
    const env = {
      FREEBIRD_HTTP: '127.0.0.1:9000',
      FREEBIRD_BOOTSTRAP: '/ip4/1.2.3.4/tcp/1, /ip4/1.2.3.5/tcp/2',
    }
    const config = resolveConfig({ data: '/srv/fb' }, env)
    expect(config.data).toBe('/srv/fb')
    expect(config.http).toBe('127.0.0.1:9000')
    expect(config.bootstrap).toEqual(['/ip4/1.2.3.4/tcp/1', '/ip4/1.2.3.5/tcp/2'])
    expect(config.listen).toEqual(DEFAULTS.listen)
    expect(resolveConfig({ http: 'off' }, env).http).toBe('off')
  })

  it('refuses bad multiaddrs and thread counts with config.invalid', () => {
    expect(codeOf(() => resolveConfig({ listen: ['/nope'] }, {}))).toBe('config.invalid')
    expect(codeOf(() => resolveConfig({ bootstrap: ['not an address'] }, {}))).toBe(
      'config.invalid',
    )
    expect(codeOf(() => resolveConfig({ verifyThreads: 0 }, {}))).toBe('config.invalid')
    expect(codeOf(() => resolveConfig({}, { FREEBIRD_SYNC_INTERVAL: '-1' }))).toBe('config.invalid')
    expect(resolveConfig({}, { FREEBIRD_SYNC_INTERVAL: '0' }).syncInterval).toBe(0)
  })
})
