import pino, { type Logger } from 'pino';

/**
 * Structured logs. Credentials, cookies and request bodies never reach them; personal information is
 * kept out by logging references only (ids, counts) and paths without their query strings, and the paths
 * below are redacted as a backstop.
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
      serializers: {
        // Query strings carry look-up values (a phone number searched in the vault) and reasons typed by
        // staff: requests are logged by path only.
        req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
          method: req.method,
          url: req.url.split('?')[0],
          remoteAddress: req.ip,
        }),
      },
    },
    destination,
  );
}
