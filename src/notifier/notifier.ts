import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { Db } from '../db/database.js';
import { nowIso } from '../db/transaction.js';

export interface Message {
  channel: 'sms' | 'email';
  to: string;
  subject?: string;
  body: string;
  /** Extra e-mail headers, e.g. List-Unsubscribe (RFC 8058). */
  headers?: Record<string, string>;
}

/** One way out for SMS and e-mail; which adapter is chosen by configuration. */
export interface Notifier {
  readonly kind: string;
  send(message: Message): Promise<void>;
}

/** Development outbox: stores every message and shows it in the console. Refused in production mode. */
export class OutboxNotifier implements Notifier {
  readonly kind = 'outbox';
  constructor(private readonly db: Db) {}
  async send(m: Message): Promise<void> {
    await this.db
      .insertInto('outbox_messages')
      .values({
        id: randomUUID(),
        channel: m.channel,
        recipient: m.to,
        subject: m.subject ?? null,
        body: m.body,
        created_at: nowIso(),
      })
      .execute();
  }
}

export class SmtpNotifier implements Notifier {
  readonly kind = 'smtp';
  private transport: Promise<import('nodemailer').Transporter> | null = null;
  constructor(
    private readonly smtpUrl: string,
    private readonly from: string,
    private readonly sms?: Notifier,
  ) {}
  async send(m: Message): Promise<void> {
    if (m.channel === 'sms') {
      if (!this.sms) throw new Error('no SMS gateway is configured (CUSTODIAN_SMS_GATEWAY_URL)');
      return this.sms.send(m);
    }
    // Loaded on first use: start-up stays fast where no mail is sent.
    this.transport ??= import('nodemailer').then((n) => n.default.createTransport(this.smtpUrl));
    await (
      await this.transport
    ).sendMail({ from: this.from, to: m.to, subject: m.subject, text: m.body, headers: m.headers });
  }
}

/** An HTTP SMS gateway: POST {to, body} as JSON with a bearer token. */
export class HttpSmsNotifier implements Notifier {
  readonly kind = 'http';
  constructor(
    private readonly url: string,
    private readonly token: string | null,
  ) {}
  async send(m: Message): Promise<void> {
    if (m.channel !== 'sms') throw new Error('the HTTP gateway sends SMS only; configure SMTP for e-mail');
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ to: m.to, body: m.body }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
  }
}

export function createNotifier(config: Config, db: Db): Notifier {
  const n = config.notifier;
  const sms = n.smsGatewayUrl ? new HttpSmsNotifier(n.smsGatewayUrl, n.smsGatewayToken) : undefined;
  if (n.kind === 'smtp') return new SmtpNotifier(n.smtpUrl!, n.emailFrom ?? 'custodian@localhost', sms);
  if (n.kind === 'http') return sms!;
  return new OutboxNotifier(db);
}
