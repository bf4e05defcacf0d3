/** Protocol ids and topics carry the network id: no cross-network traffic. */
export const topicOf = (network: string) => `/freebird/${network}/messages/1`
export const submitProtocol = (network: string) => `/freebird/${network}/submit/1.0.0`
export const queryProtocol = (network: string) => `/freebird/${network}/query/1.0.0`
export const subscribeProtocol = (network: string) => `/freebird/${network}/subscribe/1.0.0`
/** Negentropy V1 set reconciliation; the dialer initiates. */
export const syncProtocol = (network: string) => `/freebird/${network}/sync/1.0.0`
/** Envelopes by id, for what reconciliation found missing. */
export const fetchProtocol = (network: string) => `/freebird/${network}/fetch/1.0.0`
/** Envelopes the dialer has and the listener lacks. */
export const pushProtocol = (network: string) => `/freebird/${network}/push/1.0.0`

/** The three protocols of one reconciled set. */
export interface SyncProtocols {
  sync: string
  fetch: string
  push: string
}
export const messageSyncProtocols = (network: string): SyncProtocols => ({
  sync: syncProtocol(network),
  fetch: fetchProtocol(network),
  push: pushProtocol(network),
})
/** The ledger's certificates: a second reconciled set, with the same three protocols. */
export const ledgerSyncProtocols = (network: string): SyncProtocols => ({
  sync: `/freebird/${network}/ledger-sync/1.0.0`,
  fetch: `/freebird/${network}/ledger-fetch/1.0.0`,
  push: `/freebird/${network}/ledger-push/1.0.0`,
})
/** Certificates by gossip, in batches (the payload changed at 2). */
export const certificateTopicOf = (network: string) => `/freebird/${network}/certificates/2`
/** Orders, votes, certificates, balances and transfers for light clients. */
export const ledgerProtocol = (network: string) => `/freebird/${network}/ledger/1.0.0`
