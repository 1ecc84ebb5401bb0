// Journeys of the response team roster: re-issuing the roster by decision (kiện toàn), keeping
// the previous decision in the history; and the lead delegating coordination to the deputy
// (ủy quyền), the page showing who holds that authority, and withdrawing it.
import assert from 'node:assert/strict';

import {
  ADMIN, ORG_NAME, button, expectAlert, expectH1, field, journey, link, signIn,
} from '../lib/server.mjs';

const PASSWORD = 'Thu-nghiem-e2e-2026!';
const LEAD = Object.freeze({
  email: 'doitruong@congan.bacninh.gov.vn',
  name: 'Lê Văn Trưởng',
  password: PASSWORD,
  role: 'doi_truong',
});
const DEPUTY = Object.freeze({
  email: 'doipho@skhcn.bacninh.gov.vn',
  name: 'Phạm Đức Phó',
  password: PASSWORD,
  role: 'doi_pho',
});

const ROSTER_TITLE = 'Danh sách thành viên Đội ứng cứu sự cố';
const FORM_TITLE = 'Quyết định kiện toàn Đội ứng cứu sự cố';

async function openRoster(page) {
  await link(page.getByRole('navigation'), 'Danh mục').first().click();
  await link(page, 'Đội ứng cứu sự cố').first().click();
  await expectH1(page, ROSTER_TITLE);
}

/** Fills member row `n` (counted from 1, as the form labels it). */
async function fillRow(page, n, { name, role, title = '', agency = ORG_NAME, phone = '', account }) {
  const row = `(dòng ${n})`;
  await field(page, `Họ và tên ${row}`).fill(name);
  await field(page, `Vai trò ${row}`).selectOption(role);
  await field(page, `Chức vụ ${row}`).fill(title);
  await field(page, `Cơ quan, đơn vị ${row}`).fill(agency);
  await field(page, `Điện thoại ${row}`).fill(phone);
  if (account) await field(page, `Tài khoản người dùng ${row}`).selectOption({ label: account });
}

async function fillDecision(page, { number, date, signer = 'Đặng Quốc Khánh', title = 'Chủ tịch Ủy ban nhân dân tỉnh' }) {
  await field(page, 'Số quyết định').fill(number);
  await field(page, 'Ngày ký').fill(date);
  await field(page, 'Người ký').fill(signer);
  await field(page, 'Chức vụ người ký').fill(title);
}

/** A `datetime-local` value `days` from now in Vietnam time (UTC+7, no daylight saving). */
function vietnamLocal(days) {
  return new Date(Date.now() + days * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 16);
}

/** The holder shown for one of the lead's powers in the "who holds it now" list. */
function holder(page, power) {
  return page.locator('dl.authority > div').filter({ hasText: power }).locator('dd');
}

journey('re-issue the roster', async ({ page, shot }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expectH1(page, 'Tổng quan');
  await openRoster(page);
  await page.getByText('Chưa có quyết định kiện toàn Đội nào.').waitFor();

  // The first decision, with a second lead by mistake: refused, the row named.
  await link(page, 'Kiện toàn Đội').click();
  await expectH1(page, FORM_TITLE);
  await fillDecision(page, { number: '512/QĐ-UBND', date: '2024-05-15' });
  await fillRow(page, 1, { name: 'Trần Văn Bình', role: 'doi_truong', title: 'Phó Giám đốc Công an tỉnh', phone: '0222 3821 100' });
  await fillRow(page, 2, { name: 'Lê Văn Trưởng', role: 'doi_truong', title: 'Trưởng phòng An ninh mạng' });
  await fillRow(page, 3, {
    name: ADMIN.name, role: 'thuong_truc', title: 'Cán bộ thường trực', account: `${ADMIN.name} — ${ADMIN.email}`,
  });
  await shot('first-decision');
  await button(page, 'Lưu').click();
  await expectAlert(page, 'Vai trò (dòng 2)');
  assert.equal(await field(page, 'Họ và tên (dòng 3)').inputValue(), ADMIN.name, 'what was typed is kept');
  await shot('two-leads-refused');
  await field(page, 'Vai trò (dòng 2)').selectOption('doi_pho');
  await button(page, 'Lưu').click();
  await page.getByRole('status').getByText('Đã ghi nhận quyết định kiện toàn Đội.').waitFor();
  await page.getByRole('heading', { name: 'Quyết định kiện toàn số 512/QĐ-UBND ngày 15/05/2024' }).waitFor();
  await page.getByRole('cell', { name: `Có (${ADMIN.email})` }).waitFor();

  // Re-issue: the form starts from the roster in force; change the lead, add a member.
  await link(page, 'Kiện toàn Đội').click();
  await expectH1(page, FORM_TITLE);
  assert.equal(await field(page, 'Họ và tên (dòng 1)').inputValue(), 'Trần Văn Bình');
  assert.equal(await field(page, 'Số quyết định').inputValue(), '', 'a new decision');
  await fillDecision(page, { number: '1008/QĐ-UBND', date: '2025-09-25' });
  await fillRow(page, 1, { name: 'Lê Văn Trưởng', role: 'doi_truong', title: 'Phó Giám đốc Công an tỉnh' });
  await fillRow(page, 2, { name: DEPUTY.name, role: 'doi_pho', title: 'Phó Giám đốc', agency: 'Sở Khoa học và Công nghệ' });
  await fillRow(page, 4, { name: 'Hoàng Minh Thành', role: 'thanh_vien', title: 'Phó Giám đốc Trung tâm Chuyển đổi số', agency: 'Trung tâm Chuyển đổi số', phone: '0915 220 503' });
  await shot('reissue-form');
  await button(page, 'Lưu').click();
  await page.getByRole('status').getByText('Đã ghi nhận quyết định kiện toàn Đội.').waitFor();

  // The new decision is in force; the previous one stays in the history.
  await page.getByRole('heading', { name: 'Quyết định kiện toàn số 1008/QĐ-UBND ngày 25/09/2025' }).waitFor();
  await page.getByRole('rowheader', { name: 'Hoàng Minh Thành' }).waitFor();
  const history = page.locator('table.history');
  await history.getByRole('row').filter({ hasText: '1008/QĐ-UBND' }).filter({ hasText: 'Đang có hiệu lực' }).waitFor();
  await history.getByRole('row').filter({ hasText: '512/QĐ-UBND' }).filter({ hasText: 'Đã được thay thế' }).waitFor();
  await shot('reissued');

  // The roster at a past date is the one then in force.
  await field(page, 'Xem danh sách có hiệu lực vào ngày').fill('2025-01-01');
  await button(page, 'Xem').click();
  await page.getByRole('heading', { name: 'Danh sách có hiệu lực vào ngày 01/01/2025' }).waitFor();
  await page.getByRole('rowheader', { name: 'Trần Văn Bình' }).waitFor();
  assert.equal(await page.getByRole('rowheader', { name: 'Hoàng Minh Thành' }).count(), 0);
  await shot('past-date');
  await link(history, '512/QĐ-UBND').click();
  await page.getByRole('heading', { name: 'Quyết định kiện toàn số 512/QĐ-UBND ngày 15/05/2024' }).waitFor();
}, { users: [ADMIN] });

journey('delegate', async ({ page, shot }) => {
  await signIn(page, LEAD.email, LEAD.password);
  await expectH1(page, 'Tổng quan');
  await openRoster(page);

  // The lead records the roster in force, naming both as users of the system.
  await link(page, 'Kiện toàn Đội').click();
  await fillDecision(page, { number: '1008/QĐ-UBND', date: '2025-09-25' });
  await fillRow(page, 1, { name: LEAD.name, role: 'doi_truong', account: `${LEAD.name} — ${LEAD.email}` });
  await fillRow(page, 2, { name: DEPUTY.name, role: 'doi_pho', agency: 'Sở Khoa học và Công nghệ', account: `${DEPUTY.name} — ${DEPUTY.email}` });
  await button(page, 'Lưu').click();
  await page.getByRole('status').getByText('Đã ghi nhận quyết định kiện toàn Đội.').waitFor();
  assert.match(await holder(page, 'Điều phối, triệu tập thành viên').innerText(), /^Lê Văn Trưởng \(Đội trưởng\)/);

  // Delegate coordination to the deputy; a missing reason is refused first.
  await link(page, 'Ủy quyền').first().click();
  await expectH1(page, 'Ủy quyền');
  await field(page, 'Người được ủy quyền').selectOption({ label: `${DEPUTY.name} — Đội phó` });
  assert.notEqual(await field(page, 'Từ').inputValue(), '', 'starts now by default');
  await field(page, 'Đến').fill(vietnamLocal(3));
  await page.getByLabel('Chỉ điều phối').check();
  await shot('form');
  await button(page, 'Ủy quyền').click();
  await expectAlert(page, 'Lý do: không được để trống');
  await field(page, 'Lý do').fill('Đội trưởng đi công tác');
  await button(page, 'Ủy quyền').click();
  await page.getByRole('status').getByText('Đã ghi nhận ủy quyền.').waitFor();
  await page.getByRole('row').filter({ hasText: 'Đội trưởng đi công tác' }).filter({ hasText: 'Đang hiệu lực' }).waitFor();

  // The deputy now holds coordination; signing stays with the lead.
  await openRoster(page);
  assert.match(
    await holder(page, 'Điều phối, triệu tập thành viên').innerText(),
    /^Phạm Đức Phó \(Đội phó\) — theo ủy quyền, đến \d\d\/\d\d\/\d{4} \d\d:\d\d$/,
  );
  assert.match(await holder(page, 'Ký văn bản của Đội').innerText(), /^Lê Văn Trưởng \(Đội trưởng\)/);
  await shot('deputy-holds-coordination');

  // Withdraw it, with a reason and after confirming.
  await link(page, 'Ủy quyền').first().click();
  await field(page, 'Lý do thu hồi').fill('Đội trưởng đã về cơ quan');
  page.once('dialog', (d) => d.accept());
  await button(page, 'Thu hồi').click();
  await page.getByRole('status').getByText('Đã thu hồi ủy quyền.').waitFor();
  await page.getByRole('row').filter({ hasText: 'Đã thu hồi' }).filter({ hasText: 'Đội trưởng đã về cơ quan' }).waitFor();
  assert.match(await holder(page, 'Điều phối, triệu tập thành viên').innerText(), /^Lê Văn Trưởng \(Đội trưởng\)/);
  await shot('revoked');
}, { users: [LEAD, DEPUTY] });
