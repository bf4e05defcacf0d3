import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createNodeVerifier } from '@freebird/node-verifier'
import {
  fromHex,
  networkIdFromGenesis,
  parseAccount,
  parseSecretKey,
  utf8,
  validateMessage,
} from '@freebird/protocol'
import { describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../bin/freebird.js', import.meta.url))
const run = (args: string[], node = process.execPath) =>
  spawnSync(node, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })

const SYSTEM_NODE = '/usr/bin/node'
const systemNodeMajor = existsSync(SYSTEM_NODE)
  ? Number(
      spawnSync(SYSTEM_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.split(
        '.',
      )[0],
    )
  : Number.POSITIVE_INFINITY

describe('freebird CLI (a real process)', () => {
  it('demo signs a post whose envelope any verifier accepts', () => {
    const r = run(['demo', '--json', '--text', 'tested by vitest'])
    expect(r.status, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.text).toBe('tested by vitest')
    expect(report.tampered.code).toBe('invalid.signature')
    const network = networkIdFromGenesis(utf8('freebird demo network'))
    const v = validateMessage(fromHex(report.envelope), { network, verify: createNodeVerifier() })
    if (!v.ok) throw v.error
    expect(v.message.data.author).toEqual(parseAccount(report.account))
  })

  it('demo prints a readable report by default', () => {
    const r = run(['demo'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/account +fb1[0-9a-z]{58}/)
    expect(r.stdout).toContain('tampered   one flipped bit -> invalid.signature')
  })

  it('keygen makes a key that demo can sign with', () => {
    const keys = JSON.parse(run(['keygen', '--json']).stdout)
    expect(parseSecretKey(keys.secretKey)).toHaveLength(32)
    const report = JSON.parse(run(['demo', '--json', '--key', keys.secretKey]).stdout)
    expect(report.account).toBe(keys.account)
  })

  it('reports bad input in one line with a code, exit 1', () => {
    const bad = run(['demo', '--key', 'fbsecret1nope'])
    expect(bad.status).toBe(1)
    expect(bad.stderr.trim()).toMatch(/^freebird: .*\(invalid\.secret_key\)$/)
    const long = run(['demo', '--text', 'x'.repeat(1025)])
    expect(long.status).toBe(1)
    expect(long.stderr).toContain('(invalid.text_length)')
  })

  // The system Node on this machine (and CI's) is 20: the CLI must refuse it in one line.
  it.runIf(systemNodeMajor < 22)('gives one line, not a stack trace, on an old Node', () => {
    const r = run(['demo'], SYSTEM_NODE)
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('Node.js >= 22 is required')
  })
})
