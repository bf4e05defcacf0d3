import { fileURLToPath } from 'node:url'
import invalid from '@freebird/protocol/vectors/invalid.json' with { type: 'json' }
import messages from '@freebird/protocol/vectors/messages.json' with { type: 'json' }
import state from '@freebird/protocol/vectors/state.json' with { type: 'json' }
import { build } from 'esbuild'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './chromium.ts'

const entry = fileURLToPath(new URL('./protocol-in-browser.ts', import.meta.url))

describe('@freebird/protocol in a real browser (headless Chromium)', () => {
  let browser: Browser
  let bundle: string

  beforeAll(async () => {
    // platform 'browser': any Node built-in reachable from the protocol fails the build.
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'freebird',
      write: false,
      logLevel: 'silent',
    })
    bundle = out.outputFiles[0]?.text ?? ''
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('checks every vector in both directions, and signs with fresh keys', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.setContent('<!doctype html><title>freebird</title>')
    await page.addScriptTag({ content: bundle })
    const result = await page.evaluate(
      (v) =>
        (
          globalThis as unknown as { freebird: typeof import('./protocol-in-browser.ts') }
        ).freebird.run(v),
      { messages, invalid, state },
    )
    expect(errors).toEqual([])
    expect(result.failures).toEqual([])
    const expected =
      messages.vectors.length * 2 + invalid.vectors.length + state.scenarios.length + 2
    expect(result.checked).toBe(expected)
    expect(result.userAgent).toContain('HeadlessChrome')
    expect(result.account).toMatch(/^fb1/)
  })
})
