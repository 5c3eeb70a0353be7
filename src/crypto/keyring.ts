import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The key ring: master keys that wrap per-record data keys (AES-256-GCM), the HMAC key for blind
 * indexes, and Ed25519 keys that sign audit checkpoints. Rotation adds keys and keeps the old ones, so
 * everything sealed or signed before stays readable and verifiable.
 */
export interface KeyRingFile {
  version: 1;
  master: Array<{ id: string; key: string; createdAt: string }>;
  activeMaster: string;
  /** Blind-index key: never rotated in place, since indexes would have to be recomputed. */
  index: { id: string; key: string };
  signing: Array<{ id: string; privateKey: string; publicKey: string; createdAt: string }>;
  activeSigning: string;
}

export class KeyRing {
  private readonly masters = new Map<string, Buffer>();
  private readonly signers = new Map<string, { priv: KeyObject; pub: KeyObject }>();
  private readonly indexKey: Buffer;
  private reloader: (() => KeyRingFile) | null = null;

  constructor(public file: KeyRingFile) {
    this.load(file);
    this.indexKey = Buffer.from(file.index.key, 'base64');
  }

  private load(file: KeyRingFile) {
    for (const m of file.master)
      if (!this.masters.has(m.id)) this.masters.set(m.id, Buffer.from(m.key, 'base64'));
    for (const s of file.signing)
      if (!this.signers.has(s.id))
        this.signers.set(s.id, {
          priv: createPrivateKey({ key: Buffer.from(s.privateKey, 'base64'), format: 'der', type: 'pkcs8' }),
          pub: createPublicKey({ key: Buffer.from(s.publicKey, 'base64'), format: 'der', type: 'spki' }),
        });
    if (!this.masters.has(file.activeMaster)) throw new Error('key ring: active master key is missing');
    if (!this.signers.has(file.activeSigning)) throw new Error('key ring: active signing key is missing');
    this.file = file;
  }

  /**
   * Where to re-read the ring when a value names a key this process does not know yet: another instance (or
   * `custodian keys rotate`) rotated, and running instances pick the new keys up without a restart.
   */
  setReloader(fn: () => KeyRingFile): void {
    this.reloader = fn;
  }

  private refresh(): boolean {
    if (!this.reloader) return false;
    try {
      const f = this.reloader();
      if (f.index.key !== this.file.index.key) return false;
      this.load(f);
      return true;
    } catch {
      return false;
    }
  }

  static generate(): KeyRing {
    const now = new Date().toISOString();
    const master = { id: keyId('mk'), key: randomBytes(32).toString('base64'), createdAt: now };
    const signing = newSigningKey(now);
    return new KeyRing({
      version: 1,
      master: [master],
      activeMaster: master.id,
      index: { id: keyId('ix'), key: randomBytes(32).toString('base64') },
      signing: [signing],
      activeSigning: signing.id,
    });
  }

  get activeMasterId(): string {
    return this.file.activeMaster;
  }
  get activeSigningId(): string {
    return this.file.activeSigning;
  }

  /** Seals bytes under the active master key: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). */
  seal(plain: Buffer | string, aad = ''): string {
    const id = this.file.activeMaster;
    return sealWith(this.masters.get(id)!, id, plain, aad);
  }

  open(sealed: string, aad = ''): Buffer {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== 'v1') throw new Error('sealed value: unknown format');
    let key = this.masters.get(parts[1]);
    if (!key && this.refresh()) key = this.masters.get(parts[1]);
    if (!key) throw new Error(`sealed value: master key ${parts[1]} is not in the key ring`);
    return openWith(key, parts, aad);
  }

  /** Which master key sealed a value (rotation re-seals those not under the active one). */
  sealedWith(sealed: string): string {
    return sealed.split('.')[1] ?? '';
  }

  /** Keyed blind index: exact look-ups without storing the value. `domain` separates kinds of value. */
  blindIndex(domain: string, value: string): string {
    return createHmac('sha256', this.indexKey).update(domain).update('\0').update(value).digest('base64url');
  }

  /** Keyed digest used where a stable, non-reversible reference is needed (e.g. IP addresses in sessions). */
  digest(domain: string, value: string): string {
    return this.blindIndex(domain, value);
  }

  sign(message: string): { keyId: string; signature: string } {
    const id = this.file.activeSigning;
    return {
      keyId: id,
      signature: sign(null, Buffer.from(message), this.signers.get(id)!.priv).toString('base64'),
    };
  }

  verify(message: string, keyId: string, signature: string): boolean {
    if (!this.signers.has(keyId)) this.refresh();
    const s = this.signers.get(keyId);
    if (!s) return false;
    return verify(null, Buffer.from(message), s.pub, Buffer.from(signature, 'base64'));
  }

  publicKeys(): Array<{ id: string; publicKey: string }> {
    return this.file.signing.map((s) => ({ id: s.id, publicKey: s.publicKey }));
  }

  /** A new ring with a fresh active master key and signing key; the old keys stay for reading. */
  rotated(): KeyRing {
    const now = new Date().toISOString();
    const master = { id: keyId('mk'), key: randomBytes(32).toString('base64'), createdAt: now };
    const signing = newSigningKey(now);
    return new KeyRing({
      ...this.file,
      master: [...this.file.master, master],
      activeMaster: master.id,
      signing: [...this.file.signing, signing],
      activeSigning: signing.id,
    });
  }
}

function keyId(prefix: string): string {
  return `${prefix}_${new Date().toISOString().slice(0, 10).replace(/-/g, '')}_${randomBytes(4).toString('hex')}`;
}

function newSigningKey(createdAt: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    id: keyId('sk'),
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    createdAt,
  };
}

export function sealWith(key: Buffer, id: string, plain: Buffer | string, aad = ''): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (aad) cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ['v1', id, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.');
}

function openWith(key: Buffer, parts: string[], aad: string): Buffer {
  // Only full 16-byte tags: a shortened one would be checked on fewer bits (Node accepts down to 4 bytes).
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[2], 'base64url'), {
    authTagLength: 16,
  });
  if (aad) decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(parts[3], 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(parts[4], 'base64url')), decipher.final()]);
}

export interface KeyRingLocation {
  file: string;
  /** base64 key that encrypts the file at rest (CUSTODIAN_MASTER_KEY); null stores it in plain JSON. */
  wrappingKey: string | null;
}

export interface LoadedKeyRing {
  ring: KeyRing;
  created: boolean;
}

/**
 * Loads the key ring, creating it (0600) on first start. With a wrapping key the file holds only
 * ciphertext, so a copy of the data directory or a backup alone reveals nothing.
 */
export function loadOrCreateKeyRing(loc: KeyRingLocation): LoadedKeyRing {
  const created = !existsSync(loc.file);
  if (created) writeKeyRing(loc, KeyRing.generate());
  const ring = readKeyRing(loc);
  ring.setReloader(() => readKeyRing(loc).file);
  return { ring, created };
}

export function readKeyRing(loc: KeyRingLocation): KeyRing {
  const text = readFileSync(loc.file, 'utf8');
  let json: string;
  if (text.startsWith('v1.')) {
    if (!loc.wrappingKey)
      throw new Error(`key ring ${loc.file} is encrypted; set CUSTODIAN_MASTER_KEY to the key that wraps it`);
    try {
      json = openWith(
        Buffer.from(loc.wrappingKey, 'base64'),
        text.trim().split('.'),
        'custodian-keyring',
      ).toString();
    } catch {
      throw new Error(`key ring ${loc.file} cannot be opened with the given CUSTODIAN_MASTER_KEY`);
    }
  } else {
    json = text;
  }
  let file: KeyRingFile;
  try {
    file = JSON.parse(json) as KeyRingFile;
  } catch {
    // Not the parser's message: it would quote key material.
    throw new Error(`key ring ${loc.file} is not valid JSON`);
  }
  return new KeyRing(file);
}

/** Writes atomically (temp file + rename) with owner-only permissions. */
export function writeKeyRing(loc: KeyRingLocation, ring: KeyRing): void {
  mkdirSync(path.dirname(loc.file), { recursive: true, mode: 0o700 });
  const json = JSON.stringify(ring.file, null, 2);
  const body = loc.wrappingKey
    ? sealWith(Buffer.from(loc.wrappingKey, 'base64'), 'kek', json, 'custodian-keyring')
    : json;
  const tmp = `${loc.file}.${process.pid}.tmp`;
  writeFileSync(tmp, body, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, loc.file);
}
