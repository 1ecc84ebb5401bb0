// Journey d: turning on two-step sign-in (TOTP), signing in with it, a refused code.
// Also checks the harness's TOTP generator against RFC 6238's SHA-1 test vectors.
import assert from 'node:assert/strict';
import test from 'node:test';

import {
  ADMIN, button, expectAlert, expectH1, expectPath, field, journey, signIn, signOut,
  totp, totpCounter, waitForNextTotpStep,
} from '../lib/server.mjs';

test('TOTP generator matches RFC 6238 (SHA-1)', () => {
  // The RFC's SHA-1 seed is the ASCII "12345678901234567890".
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  const vectors = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  for (const [t, code] of vectors) {
    assert.equal(totp(secret, { timeMs: t * 1000, digits: 8 }), code, `T=${t}`);
    assert.equal(totp(secret.toLowerCase(), { timeMs: t * 1000 }), code.slice(-6), `T=${t}`);
  }
});

/** A code for now, unless the step ends within 2 s: then wait for the next one. */
async function codeNow(secret) {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < 2_000) await new Promise((r) => setTimeout(r, left + 250));
  const now = Date.now();
  return { code: totp(secret, { timeMs: now }), counter: totpCounter(now) };
}

journey('sign in with TOTP', async ({ page, shot }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expectH1(page, 'Tổng quan');

  await page.goto('/account/security');
  await shot('security');
  await button(page, 'Bật xác thực hai bước').click();

  const secretEl = page.locator('[data-totp-secret]').first();
  await secretEl.waitFor();
  const secret = (await secretEl.textContent()).replace(/\s+/g, '');
  assert.match(secret, /^[A-Z2-7]{16,}=*$/i, 'the secret is base32');
  await shot('enrol');

  const first = await codeNow(secret);
  await field(page, 'Mã xác thực').fill(first.code);
  await button(page, 'Xác nhận').click();

  const codes = page.locator('[data-recovery-code]');
  await codes.first().waitFor();
  assert.equal(await codes.count(), 10, 'ten recovery codes');
  const texts = (await codes.allTextContents()).map((t) => t.trim());
  assert.equal(new Set(texts).size, 10, 'recovery codes are distinct');
  assert.ok(texts.every((t) => t.length >= 8), 'recovery codes are not trivially short');
  await shot('recovery-codes');

  await signOut(page);

  // The password alone is no longer enough: a second step asks for the code.
  await signIn(page, ADMIN.email, ADMIN.password);
  await expectPath(page, '/login/totp');
  await shot('second-step');

  // A wrong code is refused (any code not valid within ±2 steps of now).
  const near = new Set(
    [-2, -1, 0, 1, 2].map((k) => totp(secret, { timeMs: Date.now() + k * 30_000 })),
  );
  let wrong = 0;
  while (near.has(String(wrong).padStart(6, '0'))) wrong += 1;
  await field(page, 'Mã xác thực').fill(String(wrong).padStart(6, '0'));
  await button(page, 'Xác nhận').click();
  await expectAlert(page, 'Mã xác thực không đúng');
  assert.equal(await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).count(), 0);
  await shot('wrong-code');

  // Codes are single-use: take one from a later step than the one used to confirm.
  await waitForNextTotpStep(first.counter);
  const second = await codeNow(secret);
  assert.ok(second.counter > first.counter);
  await field(page, 'Mã xác thực').fill(second.code);
  await button(page, 'Xác nhận').click();
  await expectPath(page, '/');
  await expectH1(page, 'Tổng quan');
  await shot('signed-in');
});
