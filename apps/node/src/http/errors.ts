/** An HTTP error with a stable code, sent as { code, message }. */
export class HttpError extends Error {
  override name = 'HttpError'
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}
