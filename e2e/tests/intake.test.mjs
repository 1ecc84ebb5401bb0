// Journeys of intake: a focal point files the Phụ lục I form and attaches a log; the standing
// desk sees the notice, verifies the sender, opens an incident and merges a duplicate into it;
// a public report arrives marked unverified; a confidential report stays invisible to another
// organisation's focal point.
import assert from 'node:assert/strict';

import { button, expectAlert, expectH1, field, journey, link, signIn } from '../lib/server.mjs';

const PASSWORD = 'Thu-nghiem-e2e-2026!';
const DESK = Object.freeze({
  email: 'thuongtruc@congan.bacninh.gov.vn', name: 'Vũ Thường Trực', password: PASSWORD, role: 'thuong_truc',
});
const YTE = 'Sở Y tế tỉnh Bắc Ninh';
const FOCAL = Object.freeze({
  email: 'daumoi@soyte.bacninh.gov.vn', name: 'Đỗ Thị Hoa', password: PASSWORD, role: 'dau_moi', org: YTE,
});
const OTHER = Object.freeze({
  email: 'daumoi@stc.bacninh.gov.vn', name: 'Bùi Văn Tài', password: PASSWORD, role: 'dau_moi',
  org: 'Sở Tài chính tỉnh Bắc Ninh',
});

/** Fills the required fields of Phụ lục I; `extra` may tick confidentiality. */
async function fillReport(page, { system, description, confidential = false }) {
  await field(page, 'Tên tổ chức/cá nhân báo cáo sự cố').fill(YTE);
  await field(page, 'Địa chỉ').first().fill('Số 5 Lý Thái Tổ, Bắc Ninh');
  await field(page, 'Điện thoại').first().fill('0222 3822 222');
  await field(page, 'Email').first().fill('soyte@bacninh.gov.vn');
  await field(page, 'Họ và tên').fill('Đỗ Thị Hoa');
  await field(page, 'Điện thoại').nth(1).fill('0912 000 222');
  await field(page, 'Email').nth(1).fill('hoa@soyte.bacninh.gov.vn');
  await field(page, 'Tên đơn vị vận hành hệ thống thông tin').fill('Văn phòng Sở');
  await field(page, 'Tên hệ thống bị sự cố').fill(system);
  await page.locator('#f-description').fill(description);
  // Detected early this morning (the date field starts at today).
  await page.locator('#f-detected_time').fill('00:05');
  await page.getByLabel('Đã được xử lý', { exact: true }).check();
  await page.getByLabel('Qua hệ thống phát hiện xâm nhập', { exact: true }).check();
  if (confidential) {
    await page.getByRole('group', { name: /giữ bí mật/ }).getByLabel('Có', { exact: true }).check();
  }
  await button(page, 'Gửi báo cáo').click();
  const code = await page.locator('[data-tracking-code]').textContent();
  assert.match(code, /^SC-\d{4}-[A-Z0-9]{8}$/);
  return code;
}

async function fileAsFocal(page, opts) {
  await page.goto('/intake/new');
  await expectH1(page, 'Báo cáo ban đầu sự cố mạng');
  return fillReport(page, opts);
}

journey('file a report, desk verifies and merges a duplicate', async ({ page, shot, server }) => {
  await signIn(page, FOCAL.email, FOCAL.password);
  const first = await fileAsFocal(page, {
    system: 'Hệ thống bệnh án điện tử', description: 'Máy chủ bị mã độc mã hóa dữ liệu.',
  });
  await shot('filed');
  // Attach a log to the report just filed.
  await link(page, 'Thêm tệp đính kèm').click();
  await page.locator('input[type=file]').setInputFiles({
    name: 'auth.log', mimeType: 'text/plain', buffer: Buffer.from('Nov 21 03:12:01 sshd[811]: Failed password for root\n'),
  });
  await page.getByLabel('Nhật ký hệ thống', { exact: false }).first().check().catch(() => {});
  await button(page, 'Gửi tệp').click();
  await link(page, 'auth.log').waitFor();
  await shot('attached');
  const dup = await fileAsFocal(page, {
    system: 'Hệ thống bệnh án điện tử', description: 'Không mở được hồ sơ bệnh án, nghi mã độc.',
  });
  await page.context().clearCookies();

  await signIn(page, DESK.email, DESK.password);
  await page.goto('/notices');
  await expectH1(page, 'Thông báo');
  await link(page, first).click();
  await expectH1(page, `Báo cáo sự cố ${first}`);
  await page.getByText('Chưa xác minh').first().waitFor();
  await shot('report');
  // Opening an incident before verifying is not offered; verification needs a method.
  assert.equal(await button(page, 'Mở sự cố mới').isDisabled(), true);
  await button(page, 'Ghi nhận xác minh').click();
  await expectAlert(page, 'Cách xác minh');
  await field(page, 'Cách xác minh').selectOption('callback');
  await field(page, 'Ghi chú').fill('Gọi lại 0222 3822 222, chị Hoa xác nhận');
  await button(page, 'Ghi nhận xác minh').click();
  await page.getByRole('cell', { name: 'Gọi lại số điện thoại đã đăng ký' }).waitFor();
  await button(page, 'Mở sự cố mới').click();
  const incident = (await page.locator('[data-incident-code]').textContent()).trim();
  assert.match(incident, /^SCM-\d{4}-\d{6}$/);
  await shot('incident');

  await page.goto(`/intake/${dup}`);
  await field(page, 'Cách xác minh').selectOption('registered_contact');
  await button(page, 'Ghi nhận xác minh').click();
  await field(page, 'Gộp vào sự cố đã có (mã sự cố)').fill(incident);
  await button(page, 'Gộp').click();
  await expectH1(page, `Sự cố ${incident}`);
  await link(page, first).waitFor();
  await link(page, dup).waitFor();
  assert.equal((await page.locator('[data-report-count]').textContent()).trim(), '2');
  await shot('merged');
  // The attachment travelled with the report.
  await page.goto(`/reports/${first}/attachments`);
  await link(page, 'auth.log').waitFor();
  assert.ok(server.baseURL);
}, { users: [DESK, FOCAL] });

journey('a public report arrives unverified', async ({ page, shot }) => {
  await page.goto('/report');
  await expectH1(page, 'Báo cáo ban đầu sự cố mạng');
  const code = await fillReport(page, {
    system: 'Trang tin điện tử xã', description: 'Trang chủ bị thay đổi giao diện.',
  });
  await shot('public-filed');
  await page.goto(`/track?code=${code}`);
  await page.getByText('Chờ xử lý').waitFor();
  await page.getByText('Chưa xác minh').waitFor();
  await signIn(page, DESK.email, DESK.password);
  await page.goto('/intake?unverified_only=true');
  const row = page.getByRole('row', { name: new RegExp(code) });
  await row.getByText('Chưa xác minh').waitFor();
  await row.getByText('công khai').waitFor();
  await shot('desk-list');
}, { users: [DESK] });

journey('a confidential report is invisible to another organisation', async ({ page, shot }) => {
  await signIn(page, FOCAL.email, FOCAL.password);
  const code = await fileAsFocal(page, {
    system: 'Hồ sơ sức khỏe', description: 'Lộ lọt dữ liệu hồ sơ sức khỏe.', confidential: true,
  });
  await page.goto('/intake');
  await link(page, code).waitFor();
  await page.context().clearCookies();

  await signIn(page, OTHER.email, OTHER.password);
  await page.goto('/intake?query=ho%20so%20suc%20khoe');
  await page.getByText('Không có báo cáo nào.').waitFor();
  const res = await page.goto(`/intake/${code}`);
  assert.equal(res.status(), 404);
  await shot('hidden');
}, { users: [FOCAL, OTHER] });
