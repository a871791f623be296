import { createHash } from 'node:crypto';
import { authorizationResponse } from '@grantline/lib-oauth';
import { formPostHeaders, renderFormPostPage } from './form-post-page';
import { renderSelectAccountPage } from './select-account-page';

const response = authorizationResponse(
  { redirectUri: 'https://rp.test/cb;v=1,2?tenant=a', responseMode: 'form_post' },
  { code: 'c0de', state: '"><script>alert(1)</script>', iss: 'https://issuer.test' },
);

describe('the form_post page (OAuth 2.0 Form Post Response Mode §2)', () => {
  it('posts every parameter, escaped, to the redirect URI', () => {
    const html = renderFormPostPage(response);
    expect(html).toContain('<form method="post" action="https://rp.test/cb;v=1,2?tenant=a">');
    expect(html).toContain('<input type="hidden" name="code" value="c0de">');
    expect(html).toContain(
      '<input type="hidden" name="state" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">',
    );
    expect(html).toContain('<input type="hidden" name="iss" value="https://issuer.test">');
    expect(html).not.toContain('<script>alert');
  });

  it('is never cached, runs its one script by hash and may post only to the redirect URI', () => {
    const html = renderFormPostPage(response);
    const script = /<script>([^<]*)<\/script>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');
    const headers = formPostHeaders(response);
    expect(headers['Cache-Control']).toBe('no-store');
    const policy = headers['Content-Security-Policy'] ?? '';
    expect(policy).toContain(`script-src 'sha256-${hash}'`);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain('form-action https://rp.test/cb%3Bv=1%2C2');
    expect(policy.split('; ').filter((directive) => directive.startsWith('form-action'))).toHaveLength(1);
  });

  it('lets a private-use scheme be posted to by its scheme', () => {
    const app = authorizationResponse({ redirectUri: 'com.example.app:/cb', responseMode: 'form_post' }, { code: 'c' });
    expect(formPostHeaders(app)['Content-Security-Policy']).toContain('form-action com.example.app:');
  });
});

describe('the select_account page', () => {
  it('offers the person signed in and another account, names escaped, with the form’s hidden fields', () => {
    const html = renderSelectAccountPage({
      clientName: 'Board <b>',
      userName: 'Ada & co',
      userEmail: 'ada@example.test',
      action: '/oauth/authorize/select-account',
      hidden: { interaction: 'sealed', csrf_token: 'nonce' },
    });
    expect(html).toContain('Choose an account for Board &lt;b&gt;');
    expect(html).toContain('name="account" value="continue"');
    expect(html).toContain('Continue as Ada &amp; co (ada@example.test)');
    expect(html).toContain('name="account" value="switch"');
    expect(html).toContain('<input type="hidden" name="csrf_token" value="nonce">');
  });
});
