import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'

export interface Result {
  name: string
  opsPerSec: number
  ops: number
  seconds: number
  target?: number
}

/** Runs `fn` in rounds for at least `seconds` (after a warm-up) and returns ops/s. */
export function measure(name: string, fn: (i: number) => void, seconds = 2): Result {
  const warmUntil = performance.now() + 300
  let i = 0
  while (performance.now() < warmUntil) fn(i++)
  const start = performance.now()
  const end = start + seconds * 1000
  let ops = 0
  while (performance.now() < end) {
    for (let k = 0; k < 100; k++) fn(i + ops + k)
    ops += 100
  }
  const elapsed = (performance.now() - start) / 1000
  return { name, ops, seconds: elapsed, opsPerSec: ops / elapsed }
}

/** Prints a table and writes test/bench/results/<file>.json. */
export function report(file: string, title: string, results: Result[]): void {
  const width = Math.max(...results.map((r) => r.name.length))
  console.log(`\n${title}\n`)
  for (const r of results) {
    const figure = Math.round(r.opsPerSec).toLocaleString('en-US').padStart(10)
    const target =
      r.target === undefined
        ? ''
        : `   target >= ${r.target.toLocaleString('en-US')}: ${r.opsPerSec >= r.target ? 'met' : 'NOT met'}`
    console.log(`  ${r.name.padEnd(width)}  ${figure} msg/s${target}`)
  }
  const out = new URL(`results/${file}.json`, import.meta.url)
  const machine = {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    node: process.version,
    openssl: process.versions.openssl,
  }
  writeFileSync(
    out,
    `${JSON.stringify({ title, date: new Date().toISOString(), machine, results }, null, 2)}\n`,
  )
  console.log(`\n  written to ${out.pathname}`)
}
