import pino, { type Logger } from 'pino';

/**
 * Structured logs. Credentials, cookies and request bodies never reach them; personal information is
 * kept out by logging references only (ids, counts), and the paths below are redacted as a backstop.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'custodian' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-csrf-token"]',
          'res.headers["set-cookie"]',
          '*.password',
          '*.newPassword',
          '*.currentPassword',
          '*.key',
          '*.secret',
          '*.token',
          '*.phone',
          '*.email',
          '*.idNumber',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
