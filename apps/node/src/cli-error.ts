/** An expected failure of a command: printed as one line with its code, no stack. */
export class CliError extends Error {
  override name = 'CliError'
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.code = code
  }
}
