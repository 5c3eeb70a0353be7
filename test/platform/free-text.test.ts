import { describe, expect, it } from 'vitest';
import { auditText, errorText, maskUrl } from '../../src/audit/free-text.js';

// Text bound for the audit log, a log line or a stored delivery error keeps no personal information or
// secret in plaintext, even where a value is glued to other characters.
describe('free text kept by Custodian', () => {
  it('masks values glued to letters in audit text', () => {
    for (const [text, value] of [
      ['x13812345678', '13812345678'],
      ['tel13812345678', '13812345678'],
      ['13812345678a', '13812345678'],
      ['card6222021234567890128', '6222021234567890128'],
      ['ip203.0.113.77', '203.0.113.77'],
      ['id11010519491231002X', '11010519491231002X'],
    ]) {
      const out = auditText(text);
      expect(out).not.toContain(value);
      expect(out.length).toBeGreaterThan(0);
    }
    // Ordinary purposes are left as they are.
    expect(auditText('order-delivery v2')).toBe('order-delivery v2');
    expect(auditText('2026 营销活动')).toBe('2026 营销活动');
  });

  it('masks credentials and secret parameters in addresses', () => {
    expect(maskUrl('https://u:p4ss@example.com/h?token=t0k&site=a')).toBe(
      'https://***:***@example.com/h?token=***&site=a',
    );
  });

  it('keeps addresses, recipients and numbers out of library error messages', () => {
    const fetchError = new TypeError(
      'Request cannot be constructed from a URL that includes credentials: http://gw:GWPASS@10.0.0.5/send?token=TOK&x=1',
    );
    const e1 = errorText(fetchError);
    expect(e1).not.toContain('GWPASS');
    expect(e1).not.toContain('TOK&');
    expect(e1).toContain('Request cannot be constructed');
    const smtp = new Error(
      "Can't send mail - all recipients were rejected: 550 5.1.1 <zhang.san@example.com>: Recipient address rejected",
    );
    const e2 = errorText(smtp);
    expect(e2).not.toContain('zhang.san@example.com');
    expect(e2).toContain('550 5.1.1');
    expect(errorText(new Error('gateway refused 13812345678'))).not.toContain('13812345678');
  });
});
