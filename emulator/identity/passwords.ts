// Entra's password rules for new cloud users (8–256 characters, at least three of: lowercase, uppercase, digit,
// symbol) and salted scrypt hashing, so the data file never holds a password.

import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

export function meetsComplexity(password: string): boolean {
  if (password.length < 8 || password.length > 256) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password)).length;
  return classes >= 3;
}

const params = { N: 1024, r: 8, p: 1 };

export function hashPassword(password: string): { hash: string; salt: string } {
  const salt = randomBytes(16).toString('base64');
  return { hash: scryptSync(password, salt, 32, params).toString('base64'), salt };
}

export function passwordMatches(password: string, hash: string, salt: string): boolean {
  const candidate = scryptSync(password, salt, 32, params);
  const expected = Buffer.from(hash, 'base64');
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

export function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
