// Journey: the standing desk downloads the systems template, imports a CSV with one bad row
// (the error shown with its line and column, nothing imported), fixes the row, checks the
// file with a dry run, imports it, and finds the systems in the list.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  ADMIN, ORG_NAME, button, expectAlert, expectH1, field, journey, link, signIn,
} from '../lib/server.mjs';

const HEADER = [
  'Tên cơ quan chủ quản',
  'Tên đơn vị vận hành hệ thống thông tin',
  'Tên hệ thống thông tin',
  'Tên miền',
  'Địa chỉ IP của hệ thống',
  'Cấp độ',
  'Các dịch vụ sử dụng',
].join(',');

function systemsCsv(thirdIp) {
  const row = (name, domain, ip, level) =>
    `${ORG_NAME},Phòng An ninh mạng,${name},${domain},${ip},${level},"Web, Cơ sở dữ liệu"`;
  // Excel writes a byte-order mark in front of "CSV UTF-8".
  return `\uFEFF${[
    HEADER,
    row('Cổng tiếp nhận tin báo tội phạm', 'tinbao.congan.bacninh.gov.vn', '203.113.10.11', 3),
    row('Hệ thống quản lý hồ sơ nghiệp vụ', 'hoso.congan.bacninh.gov.vn', thirdIp, 4),
    row('Hệ thống giám sát an toàn mạng', 'giamsat.congan.bacninh.gov.vn', '203.113.10.13', 4),
  ].join('\r\n')}\r\n`;
}

journey('import a CSV with one bad row, fix it and import', async ({ page, shot }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ungcuu-import-'));
  try {
    await signIn(page, ADMIN.email, ADMIN.password);
    await expectH1(page, 'Tổng quan');
    await link(page.getByRole('navigation'), 'Danh mục').first().click();
    await link(page, 'Nhập, xuất dữ liệu').first().click();
    await expectH1(page, 'Nhập, xuất dữ liệu danh mục');
    await shot('page');

    // The template downloads as an attachment with its name.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('row', { name: /Hệ thống thông tin/ }).getByRole('link', { name: 'Mẫu CSV' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'mau-he-thong-thong-tin.csv');

    // One bad row: the import is refused whole, its line and column shown.
    const file = path.join(dir, 'he-thong.csv');
    writeFileSync(file, systemsCsv('203.113.10.312'));
    await page.getByRole('radio', { name: 'Hệ thống thông tin' }).check();
    await field(page, 'Tệp dữ liệu (CSV hoặc XLSX, tối đa 20 MB)').setInputFiles(file);
    assert.equal(await page.getByLabel('Chỉ kiểm tra, không nhập (chạy thử)').isChecked(), false);
    await button(page, 'Kiểm tra và nhập').click();
    await expectAlert(page, 'Tệp có 1 lỗi');
    const bad = page.getByRole('alert').getByRole('row').filter({ hasText: 'Địa chỉ IP của hệ thống' });
    await bad.waitFor();
    assert.equal((await bad.getByRole('cell').first().innerText()).trim(), '3');
    assert.match(await bad.innerText(), /203\.113\.10\.312/);
    await shot('refused');

    // Nothing was imported.
    await page.goto('/registry/systems');
    await expectH1(page, 'Hệ thống thông tin');
    assert.equal(await page.getByText('Cổng tiếp nhận tin báo tội phạm').count(), 0);

    // Fixed: a dry run says the file is good and stores nothing, then the import.
    writeFileSync(file, systemsCsv('203.113.10.12'));
    await page.goto('/registry/import?kind=systems');
    await field(page, 'Tệp dữ liệu (CSV hoặc XLSX, tối đa 20 MB)').setInputFiles(file);
    await page.getByLabel('Chỉ kiểm tra, không nhập (chạy thử)').check();
    await button(page, 'Kiểm tra và nhập').click();
    await page.getByRole('status').filter({ hasText: '3 dòng sẵn sàng để nhập' }).waitFor();
    await shot('dry-run');

    // After a good dry run the box is cleared: the next submit imports.
    assert.equal(await page.getByLabel('Chỉ kiểm tra, không nhập (chạy thử)').isChecked(), false);
    await field(page, 'Tệp dữ liệu (CSV hoặc XLSX, tối đa 20 MB)').setInputFiles(file);
    await button(page, 'Kiểm tra và nhập').click();
    await page.getByRole('status').filter({ hasText: 'Đã nhập 3 dòng.' }).waitFor();
    await shot('imported');

    await page.goto('/registry/systems');
    for (const name of [
      'Cổng tiếp nhận tin báo tội phạm',
      'Hệ thống quản lý hồ sơ nghiệp vụ',
      'Hệ thống giám sát an toàn mạng',
    ]) {
      await link(page, name).waitFor();
    }
    await shot('listed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
