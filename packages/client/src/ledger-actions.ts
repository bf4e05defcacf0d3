/**
 * The token actions, in a module of their own: the client loads it on the
 * first transfer, tip or balance (an app that never moves tokens never
 * downloads the ledger code: about 8 KB gzipped).
 */
export { getBalance } from './actions/get-balance.ts'
export { getTips } from './actions/get-tips.ts'
export { getTransfers } from './actions/get-transfers.ts'
export { discardPending, resumePending } from './actions/resume-pending.ts'
export { tip } from './actions/tip.ts'
export { transfer } from './actions/transfer.ts'
