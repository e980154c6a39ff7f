// Pending device authorizations (OAuth 2.0 device authorization grant). A device code lives on the emulator clock:
// issued by /devicecode, completed (or declined) by a person on the sign-in page or through the control plane,
// redeemed once at the token endpoint, and unusable after `expires_in`. Kept in memory only, like Entra's (a restart
// forgets them: their polls then get bad_verification_code); reset clears them.

import { randomBytes, randomInt } from 'node:crypto';

type DeviceCodeOutcome = { kind: 'approved'; userId: string; at: number } | { kind: 'declined'; at: number };

export interface DeviceCodeRecord {
  /** The secret the polling client holds. Never shown on the control plane or logged. */
  deviceCode: string;
  /** What the person types on the sign-in page. */
  userCode: string;
  client: { appId: string; displayName: string };
  /** As requested, e.g. `https://graph.microsoft.com/.default openid profile offline_access`. */
  scopes: string[];
  createdAt: number;
  expiresAt: number;
  outcome?: DeviceCodeOutcome;
}

/** Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L, 5/S, 8/B). */
const userCodeAlphabet = 'ACDEFGHJKMNPQRTUVWXYZ234679';
const userCodeLength = 9;
/** Codes kept at most; the oldest expired ones go first. */
const capacity = 10_000;

/** Upper case, without the spaces or dashes people type. */
function normalizeUserCode(text: string): string {
  return text.replace(/[\s-]/g, '').toUpperCase();
}

export class DeviceCodeStore {
  readonly #byDeviceCode = new Map<string, DeviceCodeRecord>();
  readonly #byUserCode = new Map<string, DeviceCodeRecord>();

  issue(client: DeviceCodeRecord['client'], scopes: string[], now: number, lifetimeSeconds: number): DeviceCodeRecord {
    this.#purge(now);
    let userCode: string;
    do {
      userCode = Array.from(
        { length: userCodeLength },
        () => userCodeAlphabet[randomInt(userCodeAlphabet.length)],
      ).join('');
    } while (this.#byUserCode.has(userCode));
    const record: DeviceCodeRecord = {
      deviceCode: `DAQABIQEAAA${randomBytes(96).toString('base64url')}`,
      userCode,
      client,
      scopes,
      createdAt: now,
      expiresAt: now + lifetimeSeconds * 1000,
    };
    this.#byDeviceCode.set(record.deviceCode, record);
    this.#byUserCode.set(userCode, record);
    return record;
  }

  byDeviceCode(deviceCode: string): DeviceCodeRecord | undefined {
    return this.#byDeviceCode.get(deviceCode);
  }

  byUserCode(userCode: string): DeviceCodeRecord | undefined {
    return this.#byUserCode.get(normalizeUserCode(userCode));
  }

  /** A device code is good for one token: redeeming (or a final refusal) forgets it. */
  forget(record: DeviceCodeRecord): void {
    this.#byDeviceCode.delete(record.deviceCode);
    this.#byUserCode.delete(record.userCode);
  }

  /** Codes still waiting for a person, oldest first. */
  pending(now: number): DeviceCodeRecord[] {
    return [...this.#byDeviceCode.values()].filter((r) => r.outcome === undefined && r.expiresAt > now);
  }

  clear(): void {
    this.#byDeviceCode.clear();
    this.#byUserCode.clear();
  }

  #purge(now: number): void {
    // An expired code is kept a while so its poll answers expired_token rather than bad_verification_code.
    for (const record of this.#byDeviceCode.values())
      if (record.expiresAt + 3_600_000 < now || this.#byDeviceCode.size >= capacity) this.forget(record);
  }
}
