/** @freebird/node: the full node, the `freebird` CLI and the devnet API. */
export { main } from './cli.ts'
export { Devnet, type DevnetOptions, type DevnetStatus, startDevnet } from './devnet/devnet.ts'
export type { DemoAccount, DevnetNodeRecord, DevnetRecord } from './devnet/layout.ts'
export type { NodeInfo as DevnetNodeInfo } from './devnet/node-handle.ts'
export { DevnetNode } from './devnet/node-handle.ts'
