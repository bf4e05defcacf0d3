/**
 * @freebird/client: the Freebird light client. It keeps the user's key and
 * signs locally, talks to one or more full nodes, and trusts none of them:
 * every message a node returns is verified here, reads are merged across
 * nodes, and a node that forges or withholds is reported.
 */

export type { GetPostResult } from './actions/get-post.ts'
export type { GetThreadResult, ThreadPost } from './actions/get-thread.ts'
export type { PostArgs } from './actions/post.ts'
export type { SubmitResult } from './actions/submit.ts'
export { type Client, createClient } from './client.ts'
export type { ClientOptions, NodeFault, WithheldReport } from './context.ts'
export { CLIENT_CODES, type ClientCode, ClientError } from './errors.ts'
export { httpTransport, type NodeTransport, type SubmitAnswer } from './transports/http.ts'
export { verifyEnvelope } from './verify.ts'
