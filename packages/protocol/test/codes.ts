import { FreebirdError } from '../src/index.ts'

/** The code of the FreebirdError `fn` throws, or 'ok'; anything else is re-thrown. */
export function codeOf(fn: () => unknown): string {
  try {
    fn()
    return 'ok'
  } catch (e) {
    if (e instanceof FreebirdError) return e.code
    throw e
  }
}
