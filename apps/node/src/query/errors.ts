import { FreebirdError } from '@freebird/protocol'

/** Codes of a query or subscription filter the node refuses (PROTOCOL.md §13.4). */
export type QueryCode = 'query.invalid' | 'query.unknown'

export class QueryError extends FreebirdError<QueryCode> {
  override name = 'QueryError'
}
