// The winston adapter behind the Logger interface: JSON lines, or readable lines on a terminal.
import winston from 'winston';
import type { LogFields, Logger } from '../agent/log';

function wrap(w: winston.Logger): Logger {
  return {
    debug: (m: string, f?: LogFields) => w.debug(m, f),
    info: (m: string, f?: LogFields) => w.info(m, f),
    warn: (m: string, f?: LogFields) => w.warn(m, f),
    error: (m: string, f?: LogFields) => w.error(m, f),
    child: (f: LogFields) => wrap(w.child(f)),
  };
}

export function winstonLogger(format: 'json' | 'pretty', level: string): Logger {
  const pretty = winston.format.printf((info) => {
    const { level: lvl, message, timestamp, ...fields } = info;
    const extra = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `${String(timestamp)} ${lvl} ${String(message)}${extra ? `  ${extra}` : ''}`;
  });
  return wrap(
    winston.createLogger({
      level,
      format:
        format === 'json'
          ? winston.format.combine(winston.format.timestamp(), winston.format.json())
          : winston.format.combine(
              winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
              winston.format.colorize(),
              pretty,
            ),
      transports: [new winston.transports.Console({ stderrLevels: [] })],
    }),
  );
}
