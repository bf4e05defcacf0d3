import type { DevnetRecord } from './layout.ts'
import type { DevnetStatus } from './status.ts'

const short = (root: string) => root.slice(0, 8)
const count = (n: number) => n.toLocaleString('en-US')

/** The live status table: one row per node, then the network's verdict. */
export function renderStatus(status: DevnetStatus): string {
  const rows = [
    ['node', 'pid', 'peers', 'messages', 'stateRoot', 'msg/s'],
    ...status.nodes.map((n) =>
      n.up
        ? [
            n.name,
            String(n.pid ?? ''),
            String(n.peers),
            count(n.messages),
            short(n.stateRoot),
            n.ingestRate.toFixed(1),
          ]
        : [n.name, 'down', '', '', '', ''],
    ),
  ]
  const widths = (rows[0] as string[]).map((_, c) =>
    Math.max(...rows.map((r) => (r[c] ?? '').length)),
  )
  const lines = rows.map((r) =>
    r
      .map((cell, c) =>
        c >= 2 && c !== 4 ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0),
      )
      .join('  '),
  )
  const up = status.nodes.filter((n) => n.up)
  if (status.alert) {
    const behind =
      status.alert.behind.length > 0 ? ` (behind: ${status.alert.behind.join(', ')})` : ''
    lines.push(`ALERT: stateRoots differ for ${Math.round(status.alert.sinceMs / 1000)} s${behind}`)
  } else if (up.length === 0) {
    lines.push('no node is running')
  } else if (status.converged) {
    lines.push(
      `converged: ${up.length} of ${status.nodes.length} nodes at stateRoot ${short(up[0]?.stateRoot ?? '')}`,
    )
  } else {
    lines.push('syncing: stateRoots differ')
  }
  return lines.join('\n')
}

/** What a user needs once: where the network is and how to reach it. */
export function renderIntro(record: DevnetRecord, dir: string): string {
  return [
    `Freebird devnet "${record.network}" (${record.networkId}) in ${dir}`,
    '',
    ...record.nodes.flatMap((n) => [
      `  ${n.name}  ${n.http}  ${n.multiaddrs.tcp}`,
      `  ${' '.repeat(n.name.length)}  ${' '.repeat(n.http.length)}  ${n.multiaddrs.ws}`,
    ]),
    '',
    ...record.accounts.map((a) => `  ${a.account}  ${a.balance} base units  key ${a.keyFile}`),
    ...(record.accounts.length > 0 ? [''] : []),
    `  genesis ${record.genesisFile}; everything above is in ${dir}/devnet.json`,
    `  try: npm run freebird -- post --key ${record.accounts[0]?.keyFile ?? 'KEY'} --node ${record.nodes[0]?.http} "hello devnet"`,
    '  Ctrl-C stops every node.',
    '',
  ].join('\n')
}
