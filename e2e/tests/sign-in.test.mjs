// Journeys a and b: signing in and out with a password; a refused password.
import assert from 'node:assert/strict';

import {
  ADMIN, button, expectAlert, expectH1, expectNavLinks, expectPath, field, journey, signOut,
} from '../lib/server.mjs';

const NAV_VI = ['Sự cố', 'Tiếp nhận', 'Điều phối', 'Cảnh báo', 'Báo cáo định kỳ', 'Danh mục', 'Quản trị'];

journey('sign in and out', async ({ page, shot }) => {
  await page.goto('/login');
  await expectPath(page, '/login');
  await shot('login');

  await field(page, 'Email').fill(ADMIN.email);
  await field(page, 'Mật khẩu').fill(ADMIN.password);
  await button(page, 'Đăng nhập').click();

  await expectPath(page, '/');
  await expectH1(page, 'Tổng quan');
  await expectNavLinks(page, NAV_VI);
  await shot('overview');

  await signOut(page);
  await button(page, 'Đăng nhập').waitFor();
  await shot('signed-out');

  // Signed out means signed out: the overview sends us back to the login page.
  await page.goto('/');
  await expectPath(page, '/login');
});

journey('wrong password', async ({ page, shot }) => {
  await page.goto('/login');
  await field(page, 'Email').fill(ADMIN.email);
  await field(page, 'Mật khẩu').fill(`${ADMIN.password}-sai`);
  await button(page, 'Đăng nhập').click();

  await expectAlert(page, 'Email hoặc mật khẩu không đúng');
  await expectPath(page, '/login');
  assert.equal(await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).count(), 0);
  await shot('refused');
});
