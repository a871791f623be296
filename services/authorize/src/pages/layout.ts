import { createHash } from 'node:crypto';
import { escapeHtml } from './escape';
import { PAGE_STYLE } from './page-style';

export { PAGE_STYLE };

export interface LayoutInput {
  /** Plain text; escaped here. */
  title: string;
  /** HTML for the inside of `<main>`; every interpolated value in it must already be escaped. */
  body: string;
}

const STYLE_HASH = createHash('sha256').update(PAGE_STYLE, 'utf8').digest('base64');

// No form-action: Chrome applies it to the redirect that follows a form post, which would block the
// redirect back to the client after sign-in or consent.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Renders a complete HTML document around the given body. */
export function renderLayout(input: LayoutInput): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(input.title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
<p class="brand">Grantline</p>
${input.body}
</main>
</body>
</html>
`;
}

/**
 * Response headers for every page rendered with {@link renderLayout}; `policy` adds directives to
 * the Content-Security-Policy (a page that runs one inline script, or posts to one address).
 */
export function pageHeaders(policy: readonly string[] = []): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': [CONTENT_SECURITY_POLICY, ...policy].join('; '),
  };
}
