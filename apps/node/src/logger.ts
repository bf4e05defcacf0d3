import { pino } from 'pino'

export type Logger = pino.Logger

/** JSON lines, or readable lines (pino-pretty) when stdout is a terminal. */
export function createLogger(level: string, pretty = process.stdout.isTTY === true): Logger {
  return pino({
    level,
    base: null,
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l' } } }
      : {}),
  })
}
