// Sums every package's .vitest-results.json into one line for CI logs.

import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'

const files = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '*/vitest.config.ts'],
  { encoding: 'utf8' },
)
  .split('\0')
  .filter(Boolean)
  .map((f) => f.replace(/vitest\.config\.ts$/, '.vitest-results.json'))
let passed = 0
let failed = 0
let skipped = 0
for (const file of files) {
  if (!existsSync(file)) {
    console.error(`no test results in ${file}`)
    process.exitCode = 1
    continue
  }
  const r = JSON.parse(readFileSync(file, 'utf8'))
  passed += r.numPassedTests
  failed += r.numFailedTests
  skipped += r.numPendingTests + r.numTodoTests
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
if (failed > 0 || passed === 0) process.exitCode = 1
