/** @freebird/node: the full node and the `freebird` CLI. */
export { main } from './cli.ts'
