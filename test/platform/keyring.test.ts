import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyRing, loadOrCreateKeyRing, readKeyRing, writeKeyRing } from '../../src/crypto/keyring.js';

const dir = () => mkdtempSync(path.join(tmpdir(), 'custodian-keys-'));

describe('key ring', () => {
  it('seals and opens; the record it was sealed for is bound in', () => {
    const ring = KeyRing.generate();
    const sealed = ring.seal('totp-secret', 'totp:user-1');
    expect(sealed).toMatch(/^v1\.mk_/);
    expect(sealed).not.toContain('totp-secret');
    expect(ring.open(sealed, 'totp:user-1').toString()).toBe('totp-secret');
    expect(() => ring.open(sealed, 'totp:user-2')).toThrow();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => ring.open(tampered, 'totp:user-1')).toThrow();
    // A shortened tag (Node would check only its 4 bytes) is refused.
    const parts = sealed.split('.');
    parts[3] = Buffer.from(parts[3], 'base64url').subarray(0, 4).toString('base64url');
    expect(() => ring.open(parts.join('.'), 'totp:user-1')).toThrow();
  });

  it('rotation keeps old values readable and old signatures verifiable', () => {
    const ring = KeyRing.generate();
    const old = ring.seal('value');
    const sig = ring.sign('head 42');
    const next = ring.rotated();
    expect(next.activeMasterId).not.toBe(ring.activeMasterId);
    expect(next.sealedWith(next.seal('x'))).toBe(next.activeMasterId);
    expect(next.open(old).toString()).toBe('value');
    expect(next.verify('head 42', sig.keyId, sig.signature)).toBe(true);
    expect(next.verify('head 43', sig.keyId, sig.signature)).toBe(false);
    // Blind indexes must survive rotation, or every index would need recomputing.
    expect(next.blindIndex('phone', '13800138000')).toBe(ring.blindIndex('phone', '13800138000'));
  });

  it('creates the ring once with owner-only permissions and reads it back', () => {
    const file = path.join(dir(), 'keys', 'keyring.json');
    const a = loadOrCreateKeyRing({ file, wrappingKey: null });
    expect(a.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const b = loadOrCreateKeyRing({ file, wrappingKey: null });
    expect(b.created).toBe(false);
    expect(b.ring.open(a.ring.seal('same')).toString()).toBe('same');
    // A damaged file is named, and none of its key material is quoted in the error.
    const text = readFileSync(file, 'utf8');
    const damaged = text.replace(/"key": "/, '"key": x"');
    writeFileSync(file, damaged);
    let message = '';
    try {
      readKeyRing({ file, wrappingKey: null });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(`key ring ${file} is not valid JSON`);
  });

  it('encrypts the file at rest with CUSTODIAN_MASTER_KEY and refuses the wrong key', () => {
    const file = path.join(dir(), 'keyring.json');
    const kek = Buffer.alloc(32, 1).toString('base64');
    const ring = KeyRing.generate();
    writeKeyRing({ file, wrappingKey: kek }, ring);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('v1.')).toBe(true);
    expect(text).not.toContain(ring.file.index.key);
    expect(readKeyRing({ file, wrappingKey: kek }).activeMasterId).toBe(ring.activeMasterId);
    expect(() => readKeyRing({ file, wrappingKey: null })).toThrow(/is encrypted; set CUSTODIAN_MASTER_KEY/);
    expect(() => readKeyRing({ file, wrappingKey: Buffer.alloc(32, 2).toString('base64') })).toThrow(
      /cannot be opened/,
    );
  });
});
