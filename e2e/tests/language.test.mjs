// Journey c: switching the UI language, and English chosen from the browser's Accept-Language.
import {
  ADMIN, button, expectH1, expectNavLinks, expectPath, journey, link, signIn,
} from '../lib/server.mjs';

const NAV_VI = ['Sự cố', 'Tiếp nhận', 'Điều phối', 'Cảnh báo', 'Báo cáo định kỳ', 'Danh mục', 'Quản trị'];
const NAV_EN = ['Incidents', 'Intake', 'Coordination', 'Warnings', 'Periodic reports', 'Registry', 'Administration'];

journey('switch language', async ({ page, shot, newContext }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expectPath(page, '/');
  await expectH1(page, 'Tổng quan');
  await shot('vietnamese');

  await link(page, 'English').first().click();
  await expectH1(page, 'Overview');
  await expectNavLinks(page, NAV_EN);
  await shot('english');

  await link(page, 'Tiếng Việt').first().click();
  await expectH1(page, 'Tổng quan');
  await expectNavLinks(page, NAV_VI);
  await shot('vietnamese-again');

  // A browser that asks for English gets the login page in English.
  const en = await newContext({ locale: 'en-US' });
  const enPage = await en.newPage();
  await enPage.goto('/login');
  await button(enPage, 'Sign in').waitFor();
  await shot('login-english', enPage);
  await en.close();
});
