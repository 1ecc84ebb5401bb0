// Journey: the standing desk registers an information system with the form's fields, is told
// which field is wrong, fixes it, and finds the system again by searching without diacritics.
import assert from 'node:assert/strict';

import { ADMIN, ORG_NAME, button, expectAlert, expectH1, field, journey, link, signIn } from '../lib/server.mjs';

const SYSTEM = 'Hệ thống phòng chống mã độc tập trung';

journey('add a system', async ({ page, shot }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expectH1(page, 'Tổng quan');
  await link(page.getByRole('navigation'), 'Danh mục').first().click();
  await expectH1(page, 'Danh mục');
  await link(page, 'Hệ thống thông tin').first().click();
  await expectH1(page, 'Hệ thống thông tin');
  await link(page, 'Thêm hệ thống').first().click();
  await shot('form');

  await field(page, 'Tên cơ quan chủ quản').selectOption({ label: ORG_NAME });
  await field(page, 'Tên đơn vị vận hành hệ thống thông tin').fill('Phòng An ninh mạng');
  await field(page, 'Tên hệ thống thông tin').fill(SYSTEM);
  await field(page, 'Tên miền').fill('antivirus.congan.bacninh.gov.vn');
  await field(page, 'Các dải địa chỉ IP công cộng').fill('203.113.10.5/24');
  await field(page, 'Địa chỉ IP của hệ thống').fill('203.113.10.5');
  await field(page, 'Cấp độ an toàn của hệ thống thông tin').selectOption('4');
  await page.getByLabel('Hệ thống thông tin quan trọng').check();
  await page.getByLabel('Tường lửa (Firewall)').check();
  await button(page, 'Lưu').click();

  // The range keeps a host part: refused, the field named, what was typed kept.
  await expectAlert(page, 'Các dải địa chỉ IP công cộng');
  assert.equal(await field(page, 'Các dải địa chỉ IP công cộng').inputValue(), '203.113.10.5/24');
  assert.equal(await field(page, 'Tên hệ thống thông tin').inputValue(), SYSTEM);
  await shot('refused');
  await field(page, 'Các dải địa chỉ IP công cộng').fill('203.113.10.0/24');
  await button(page, 'Lưu').click();
  await page.getByRole('status').getByText('Đã thêm hệ thống thông tin.').waitFor();
  await shot('saved');

  await link(page.getByRole('navigation'), 'Danh mục').first().click();
  await link(page, 'Hệ thống thông tin').first().click();
  await page.getByLabel('Tìm kiếm').first().fill('ma doc tap trung');
  await button(page, 'Tìm kiếm').click();
  await link(page, SYSTEM).waitFor();
  await shot('found');
});
