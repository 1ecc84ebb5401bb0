// Journey e: an administrator adds an organisation and a user; the new user signs in.
import assert from 'node:assert/strict';

import {
  ADMIN, ORG_NAME, button, expectAlert, expectH1, expectPath, field, journey, link, signIn,
  signOut,
} from '../lib/server.mjs';

const NEW_ORG = 'Sở Khoa học và Công nghệ';
const NEW_USER = {
  name: 'Lê Thị Minh Châu',
  email: 'chau.ltm@skhcn.bacninh.gov.vn',
  password: 'Dau-moi-SKHCN-2026',
};

async function openAdmin(page) {
  await link(page.getByRole('navigation'), 'Quản trị').first().click();
}

journey('admin creates an organisation and a user', async ({ page, shot }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expectH1(page, 'Tổng quan');

  // Organisation
  await openAdmin(page);
  await shot('admin');
  await link(page, 'Tổ chức').first().click();
  await page.getByText(ORG_NAME).first().waitFor();
  await link(page, 'Thêm tổ chức').first().click();
  await field(page, 'Tên tổ chức').waitFor();
  const orgFormURL = page.url();

  await field(page, 'Tên tổ chức').fill(NEW_ORG);
  await field(page, 'Loại').selectOption('department');
  const parent = field(page, 'Tổ chức cấp trên');
  if (await parent.count()) assert.equal(await parent.inputValue(), '', 'no parent by default');
  await shot('org-form');
  await button(page, 'Lưu').click();
  await page.getByText(NEW_ORG).first().waitFor({ state: 'visible' });
  await shot('org-saved');

  // The same form with an empty name is refused by the server, naming the field. The
  // browser's own validation is switched off so the server's answer is what is tested.
  await page.goto(orgFormURL);
  await field(page, 'Tên tổ chức').fill('');
  await field(page, 'Loại').selectOption('department');
  await field(page, 'Tên tổ chức').evaluate((el) => {
    if (el.form) el.form.noValidate = true;
  });
  await button(page, 'Lưu').click();
  await expectAlert(page, 'Tên tổ chức');
  await shot('org-empty-name');

  // User
  await openAdmin(page);
  await link(page, 'Người dùng').first().click();
  await link(page, 'Thêm người dùng').first().click();
  await field(page, 'Họ và tên').fill(NEW_USER.name);
  await field(page, 'Email').fill(NEW_USER.email);
  await field(page, 'Tổ chức').selectOption({ label: NEW_ORG });
  await field(page, 'Vai trò').selectOption('dau_moi');
  await field(page, 'Mật khẩu').fill(NEW_USER.password);
  await shot('user-form');
  await button(page, 'Lưu').click();
  await page.getByText(NEW_USER.email).first().waitFor({ state: 'visible' });
  await shot('user-saved');

  // The new user can sign in.
  await signOut(page);
  await signIn(page, NEW_USER.email, NEW_USER.password);
  await expectPath(page, '/');
  await expectH1(page, 'Tổng quan');
  await shot('new-user-signed-in');
});
