import { FormBrowser } from './form-browser';

export interface DeviceApproval {
  userCode: string;
  email: string;
  password: string;
  /** Default approve. */
  decision?: 'approve' | 'deny';
  /** Open `verification_uri_complete` instead of typing the code. */
  viaCompleteUri?: boolean;
}

export type DevicePage = 'code' | 'sign-in' | 'confirm' | 'done';

/**
 * Approves (or denies) a device on the verification page as a person without JavaScript would:
 * type the code, sign in if asked, compare the code and decide. Returns the pages shown and the
 * final page's heading.
 */
export async function approveDevice(
  browser: FormBrowser,
  approval: DeviceApproval,
): Promise<{ pages: DevicePage[]; heading: string; shownCode?: string }> {
  const pages: DevicePage[] = ['code'];
  const start = approval.viaCompleteUri ? `/device?user_code=${encodeURIComponent(approval.userCode)}` : '/device';
  let response = await browser.get(start);
  let html = await expectPage(response, 200);
  // A browser sends the pre-filled text input as it stands; the person only presses Continue.
  const prefilled = /name="user_code"[^>]*value="([^"]*)"/.exec(html)?.[1] ?? '';
  response = await browser.submit(html, { user_code: approval.viaCompleteUri ? prefilled : approval.userCode });
  html = await expectPage(response, 200);
  if (html.includes('name="password"')) {
    pages.push('sign-in');
    response = await browser.submit(html, { email: approval.email, password: approval.password });
    html = await expectPage(response, 200);
  }
  if (!html.includes('name="decision"')) throw new Error(`expected the confirmation page: ${html.slice(0, 400)}`);
  pages.push('confirm');
  const shownCode = /class="user-code">([^<]*)</.exec(html)?.[1];
  response = await browser.submit(html, { decision: approval.decision ?? 'approve' });
  html = await expectPage(response, 200);
  pages.push('done');
  return { pages, heading: /<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? '', ...(shownCode ? { shownCode } : {}) };
}

async function expectPage(response: Response, status: number): Promise<string> {
  const html = await response.text();
  if (response.status !== status) {
    throw new Error(`device page answered ${response.status}, expected ${status}: ${html.slice(0, 400)}`);
  }
  return html;
}
