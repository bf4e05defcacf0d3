/** Protocol ids and topics carry the network id: no cross-network traffic. */
export const topicOf = (network: string) => `/freebird/${network}/messages/1`
export const submitProtocol = (network: string) => `/freebird/${network}/submit/1.0.0`
export const queryProtocol = (network: string) => `/freebird/${network}/query/1.0.0`
export const subscribeProtocol = (network: string) => `/freebird/${network}/subscribe/1.0.0`
