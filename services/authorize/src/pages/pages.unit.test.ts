import { createHash } from 'node:crypto';
import {
  describeScope,
  describeScopes,
  escapeHtml,
  pageHeaders,
  PAGE_STYLE,
  renderConsentPage,
  renderErrorPage,
  renderLayout,
  renderSignedOutPage,
  renderSignInPage,
  renderSignOutConfirmPage,
} from './index';

const SCRIPT = '<script>alert(1)</script>';
const ATTRIBUTE_BREAKOUT = '"onmouseover=alert(1)';
const HOSTILE = [SCRIPT, ATTRIBUTE_BREAKOUT];

function signIn(hostile: string, extra: { email?: string; error?: string } = {}): string {
  return renderSignInPage({
    clientName: hostile,
    action: `/authorize?x=${hostile}`,
    hidden: { client_id: hostile, state: hostile },
    ...extra,
  });
}

function consent(hostile: string, scopes: readonly string[] = [hostile, 'read']): string {
  return renderConsentPage({
    clientName: hostile,
    userName: hostile,
    userEmail: hostile,
    scopes,
    action: `/authorize?x=${hostile}`,
    hidden: { client_id: hostile, [hostile]: 'value' },
  });
}

function inputs(html: string): string[] {
  return html.match(/<input\b[^>]*>/g) ?? [];
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function hasAttribute(tag: string, name: string): boolean {
  return new RegExp(`\\s${name}(?:[\\s>=]|$)`).test(tag);
}

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
    expect(escapeHtml('plain text')).toBe('plain text');
  });
});

describe('escaping of interpolated values', () => {
  const pages = (hostile: string): Record<string, string> => ({
    'sign-in': signIn(hostile, { email: hostile, error: hostile }),
    consent: consent(hostile),
    error: renderErrorPage({ title: hostile, message: hostile }),
    layout: renderLayout({ title: hostile, body: '<p>body</p>' }),
  });

  it.each(HOSTILE)('never emits %s unescaped', (hostile) => {
    for (const [page, html] of Object.entries(pages(hostile))) {
      expect({ page, raw: html.includes(hostile) }).toEqual({ page, raw: false });
      expect({ page, escaped: html.includes(escapeHtml(hostile)) }).toEqual({ page, escaped: true });
    }
  });

  it('keeps hostile values inside their attributes', () => {
    for (const html of [signIn(ATTRIBUTE_BREAKOUT), consent(ATTRIBUTE_BREAKOUT)]) {
      expect(html).not.toMatch(/(?<!&quot;)onmouseover=/);
    }
  });

  it('escapes the error message and the prefilled email', () => {
    const html = signIn('Acme', { email: ATTRIBUTE_BREAKOUT, error: SCRIPT });
    expect(html).toContain(`role="alert">${escapeHtml(SCRIPT)}</p>`);
    expect(html).toContain(`value="${escapeHtml(ATTRIBUTE_BREAKOUT)}"`);
  });

  it('escapes scope names in the consent list', () => {
    const html = consent('Acme', [SCRIPT]);
    expect(html).not.toContain(SCRIPT);
    expect(html).toContain(`<span class="scope-name">${escapeHtml(SCRIPT)}</span>`);
  });
});

describe('sign-in page', () => {
  const html = renderSignInPage({
    clientName: 'Acme Notes',
    action: '/oauth/authorize/sign-in',
    hidden: { client_id: 'acme', state: 'xyz', code_challenge: 'abc' },
  });

  it('posts to the action with the hidden fields', () => {
    expect(html).toContain('<form method="post" action="/oauth/authorize/sign-in">');
    expect(html).toContain('<input type="hidden" name="client_id" value="acme">');
    expect(html).toContain('<input type="hidden" name="state" value="xyz">');
    expect(html).toContain('<input type="hidden" name="code_challenge" value="abc">');
    expect(html).toContain('Sign in to continue to Acme Notes');
  });

  it('ties every label to an input', () => {
    const labels = [...html.matchAll(/<label for="([^"]+)">([^<]+)<\/label>/g)].map((m) => [m[1], m[2]]);
    expect(labels).toEqual([
      ['email', 'Email'],
      ['password', 'Password'],
    ]);
    const ids = inputs(html).map((tag) => attribute(tag, 'id'));
    for (const [id] of labels) expect(ids).toContain(id);
  });

  it('has email and password inputs with autocomplete hints and one submit button', () => {
    const email = inputs(html).find((tag) => attribute(tag, 'id') === 'email') ?? '';
    const password = inputs(html).find((tag) => attribute(tag, 'id') === 'password') ?? '';
    expect(attribute(email, 'type')).toBe('email');
    expect(attribute(email, 'name')).toBe('email');
    expect(attribute(email, 'autocomplete')).toBe('username');
    expect(attribute(password, 'type')).toBe('password');
    expect(attribute(password, 'name')).toBe('password');
    expect(attribute(password, 'autocomplete')).toBe('current-password');
    expect(html.match(/<button\b[^>]*>[^<]*<\/button>/g)).toEqual([
      '<button type="submit" class="primary">Sign in</button>',
    ]);
  });

  it('focuses the email field and has no alert when there is no error', () => {
    const email = inputs(html).find((tag) => attribute(tag, 'id') === 'email') ?? '';
    const password = inputs(html).find((tag) => attribute(tag, 'id') === 'password') ?? '';
    expect(hasAttribute(email, 'autofocus')).toBe(true);
    expect(hasAttribute(password, 'autofocus')).toBe(false);
    expect(html).not.toContain('role="alert"');
    for (const tag of inputs(html)) expect(hasAttribute(tag, 'aria-invalid')).toBe(false);
  });

  it('shows an error, prefills the email, links the inputs and focuses the password', () => {
    const failed = renderSignInPage({
      clientName: 'Acme',
      action: '/a',
      hidden: {},
      email: 'ada@example.com',
      error: 'Wrong email or password.',
    });
    const alertId = /<p class="alert" id="([^"]+)" role="alert">Wrong email or password\.<\/p>/.exec(failed)?.[1];
    expect(alertId).toBeDefined();
    const [email = '', password = ''] = inputs(failed).filter((tag) => attribute(tag, 'type') !== 'hidden');
    expect(attribute(email, 'value')).toBe('ada@example.com');
    for (const tag of [email, password]) {
      expect(attribute(tag, 'aria-invalid')).toBe('true');
      expect(attribute(tag, 'aria-describedby')).toBe(alertId);
    }
    expect(hasAttribute(email, 'autofocus')).toBe(false);
    expect(hasAttribute(password, 'autofocus')).toBe(true);
  });
});

describe('sign-in page of a client known by its metadata document', () => {
  it('shows the host its identity comes from, escaped, and nothing of the kind for other clients', () => {
    const view = { clientName: 'Editor', action: '/oauth/authorize/sign-in', hidden: {} };
    expect(renderSignInPage({ ...view, clientHost: 'app.example.com' })).toContain(
      '<strong class="host">app.example.com</strong>',
    );
    expect(renderSignInPage({ ...view, clientHost: SCRIPT })).not.toContain(SCRIPT);
    expect(renderSignInPage(view)).not.toContain('class="client-host');
  });
});

describe('consent page', () => {
  const view = {
    clientName: 'Acme Notes',
    userName: 'Ada Lovelace',
    userEmail: 'ada@example.com',
    scopes: ['openid', 'read', 'custom:thing'],
    action: '/oauth/authorize/consent',
    hidden: { request_id: 'r-1' },
  };
  const html = renderConsentPage(view);

  it('names the client and the signed-in user', () => {
    expect(html).toContain('Acme Notes wants to access your account');
    expect(html).toContain('Ada Lovelace');
    expect(html).toContain('ada@example.com');
  });

  it('lists every requested scope with its name and description', () => {
    const list = /<ul\b[^>]*>([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
    expect(list.match(/<li>/g)).toHaveLength(3);
    for (const scope of describeScopes(view.scopes)) {
      expect(list).toContain(escapeHtml(scope.name));
      expect(list).toContain(escapeHtml(scope.description));
    }
  });

  it('has one form with the hidden fields and both decision buttons', () => {
    expect(html.match(/<form\b/g)).toHaveLength(1);
    expect(html).toContain('<form method="post" action="/oauth/authorize/consent">');
    expect(html).toContain('<input type="hidden" name="request_id" value="r-1">');
    expect(html).toContain('<button type="submit" name="decision" value="approve" class="primary">Allow</button>');
    expect(html).toContain('<button type="submit" name="decision" value="deny">Deny</button>');
  });

  it('says basic access only when no scopes are requested', () => {
    const basic = renderConsentPage({ ...view, scopes: [] });
    expect(basic).toContain('Acme Notes asks for basic access only.');
    expect(basic).not.toContain('<ul');
  });

  it('says a native app is an app on the device, with its redirect scheme (RFC 8252), escaped', () => {
    const scheme = renderConsentPage({ ...view, nativeApp: { scheme: 'com.example.notes' } });
    expect(scheme).toContain('Acme Notes is an app on your device.');
    expect(scheme).toContain('<code>com.example.notes:</code>');
    const loopback = renderConsentPage({ ...view, nativeApp: {} });
    expect(loopback).toContain('Acme Notes is an app on your device. It receives the answer on this device;');
    const hostile = renderConsentPage({ ...view, nativeApp: { scheme: SCRIPT } });
    expect(hostile).not.toContain(SCRIPT);
    expect(html).not.toContain('app on your device');
  });

  it('names, in words, the resources the access is for (RFC 8707), escaped', () => {
    const limited = renderConsentPage({ ...view, resources: ['Orders MCP', SCRIPT] });
    expect(limited).toContain('Acme Notes will use this access only with:');
    expect(limited).toContain('<span class="resource-name">Orders MCP</span>');
    expect(limited).toContain(escapeHtml(SCRIPT));
    expect(limited).not.toContain(SCRIPT);
    expect(html).not.toContain('only with');
  });

  it('shows, for a client known by its metadata document, the host its identity comes from, escaped', () => {
    const known = renderConsentPage({ ...view, clientHost: 'app.example.com' });
    expect(known).toContain('<strong class="host">app.example.com</strong>');
    expect(known).toContain('Its name is its own claim');
    expect(renderConsentPage({ ...view, clientHost: SCRIPT })).not.toContain(SCRIPT);
    expect(html).not.toContain('class="client-host"');
  });
});

describe('scope descriptions', () => {
  it('describes the known scopes', () => {
    expect(describeScope('read').description).toBe('Read your data');
    expect(describeScope('write').description).toBe('Create and change your data');
    expect(describeScope('profile').description).toBe('See your name');
    expect(describeScope('email').description).toBe('See your email address');
    expect(describeScope('offline_access').description).toBe('Stay signed in to this app when you are not using it');
    for (const scope of ['openid', 'admin']) expect(describeScope(scope).description).not.toContain(scope);
  });

  it('says in plain words that the personal-access-tokens scope lets the app create tokens that act as you', () => {
    expect(describeScope('personal-access-tokens')).toEqual({
      name: 'Personal access tokens',
      description: "Create long-lived tokens that act as you; they stop working when you remove this app's access",
    });
  });

  it('names unknown scopes, including ones that look like object keys', () => {
    for (const scope of ['billing:export', 'constructor', '__proto__']) {
      expect(describeScope(scope).name).toBe(scope);
      expect(describeScope(scope).description).toContain(scope);
    }
  });
});

describe('error page', () => {
  const html = renderErrorPage({ title: 'Unknown application', message: 'This sign-in link is not valid.' });

  it('shows the title and message without any link', () => {
    expect(html).toContain('<h1>Unknown application</h1>');
    expect(html).toContain('This sign-in link is not valid.');
    expect(html).not.toMatch(/<a\s/i);
  });
});

describe('sign-out pages', () => {
  it('asks before signing out, naming the app that asked, escaped, with one form and its hidden fields', () => {
    for (const hostile of HOSTILE) {
      const html = renderSignOutConfirmPage({
        clientName: hostile,
        action: '/oauth/logout/confirm',
        hidden: { a: hostile },
      });
      expect(html).toContain('<h1>Sign out of Grantline?</h1>');
      expect(html).toContain(`${escapeHtml(hostile)} asked to sign you out.`);
      expect(html).not.toContain(hostile);
      expect(html.match(/<form\b/g)).toHaveLength(1);
      expect(attribute(inputs(html)[0] ?? '', 'value')).toBe(escapeHtml(hostile));
    }
    expect(renderSignOutConfirmPage({ action: '/a', hidden: {} })).toContain('An app asked to sign you out.');
  });

  it('says the person is signed out, with no link anywhere', () => {
    const html = renderSignedOutPage();
    expect(html).toContain('<h1>You are signed out</h1>');
    expect(html).not.toMatch(/<a\s|<form/i);
  });
});

describe('layout and headers', () => {
  const all = [
    renderSignInPage({ clientName: 'A', action: '/a', hidden: { a: 'b' }, error: 'e' }),
    renderConsentPage({ clientName: 'A', userName: 'U', userEmail: 'u@x', scopes: ['read'], action: '/a', hidden: {} }),
    renderErrorPage({ title: 'T', message: 'M' }),
    renderSignOutConfirmPage({ clientName: 'A', action: '/a', hidden: { a: 'b' } }),
    renderSignedOutPage(),
  ];

  it('renders no script and exactly the constant stylesheet', () => {
    for (const html of all) {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/\son[a-z]+=/i);
      expect(html.match(/<style>([\s\S]*?)<\/style>/g)).toEqual([`<style>${PAGE_STYLE}</style>`]);
      expect(html).not.toMatch(/\sstyle=/);
    }
  });

  it('is an accessible document', () => {
    for (const html of all) {
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain('<html lang="en">');
      expect(html).toContain('<meta name="viewport"');
      expect(html.match(/<main>/g)).toHaveLength(1);
      expect(html.match(/<h1>/g)).toHaveLength(1);
    }
  });

  it('allows the stylesheet by its hash and nothing else', () => {
    const hash = createHash('sha256').update(PAGE_STYLE, 'utf8').digest('base64');
    const headers = pageHeaders();
    expect(headers['Content-Security-Policy']).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(headers['Content-Security-Policy']).not.toContain('form-action');
    expect(headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
  });
});
