/**
 * The only stylesheet of the authorization pages. It is a constant so that the
 * Content-Security-Policy can allow it by hash; do not build it at runtime.
 *
 * Colour pairs (contrast ratio, WCAG AA needs 4.5 for text, 3 for borders and focus rings):
 * light: text #111827 on #ffffff 17.7, muted #4b5563 on #ffffff 7.6, input border #6b7280 on #ffffff 4.8,
 *   #ffffff on primary #1d4ed8 6.7 (hover #1e40af 8.7), error #991b1b on #fef2f2 7.6;
 * dark: text #f3f4f6 on #161b26 15.7, muted #aab2bf on #161b26 8.1, input border #8b95a5 on #0f1420 6.1,
 *   #0b1220 on primary #60a5fa 7.4 (hover #93c5fd 10.4), focus #93c5fd on #161b26 9.6, error #fecaca on #3b1219 11.3.
 */
export const PAGE_STYLE = `
:root{color-scheme:light dark;--bg:#f3f4f6;--card:#ffffff;--text:#111827;--muted:#4b5563;--line:#e5e7eb;--field:#ffffff;--field-line:#6b7280;--primary:#1d4ed8;--primary-hover:#1e40af;--on-primary:#ffffff;--focus:#1d4ed8;--error-bg:#fef2f2;--error-text:#991b1b;--error-line:#b91c1c}
@media (prefers-color-scheme:dark){:root{--bg:#0b0f17;--card:#161b26;--text:#f3f4f6;--muted:#aab2bf;--line:#2a3242;--field:#0f1420;--field-line:#8b95a5;--primary:#60a5fa;--primary-hover:#93c5fd;--on-primary:#0b1220;--focus:#93c5fd;--error-bg:#3b1219;--error-text:#fecaca;--error-line:#f87171}}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:1.5rem 1rem;background:var(--bg);color:var(--text);font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;font-size:1rem;line-height:1.5}
main{width:100%;max-width:26rem;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:2rem 1.75rem;box-shadow:0 1px 2px rgb(0 0 0/6%),0 8px 24px rgb(0 0 0/8%)}
.brand{margin:0 0 1.25rem;font-size:.875rem;font-weight:600;letter-spacing:.02em;color:var(--muted)}
h1{margin:0 0 .5rem;font-size:1.375rem;line-height:1.3;font-weight:650;overflow-wrap:anywhere}
h2{margin:1.5rem 0 .5rem;font-size:1rem;font-weight:600}
p{margin:0 0 1rem;overflow-wrap:anywhere}
.muted{color:var(--muted)}
.user-code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:1.5rem;font-weight:700;letter-spacing:.12em}
input.user-code{text-transform:uppercase;text-align:center}
.client-host .host{font-size:1.15rem;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.alert{margin:0 0 1.25rem;padding:.75rem 1rem;border:1px solid var(--error-line);border-left-width:4px;border-radius:8px;background:var(--error-bg);color:var(--error-text)}
form{margin:0}
.field{margin:0 0 1rem}
label{display:block;margin:0 0 .375rem;font-weight:600;font-size:.9375rem}
input[type=email],input[type=password],input[type=text]{display:block;width:100%;padding:.625rem .75rem;font:inherit;color:var(--text);background:var(--field);border:1px solid var(--field-line);border-radius:8px}
input[aria-invalid=true]{border-color:var(--error-line);border-width:2px}
.scopes{list-style:none;margin:0 0 1.5rem;padding:0;border-top:1px solid var(--line)}
.scopes li{padding:.75rem 0;border-bottom:1px solid var(--line)}
.scope-name{display:block;font-weight:600;overflow-wrap:anywhere}
.scope-description{display:block;color:var(--muted);font-size:.9375rem;overflow-wrap:anywhere}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}
button{flex:1 1 8rem;min-height:2.75rem;padding:.625rem 1rem;font:inherit;font-weight:600;border-radius:8px;cursor:pointer;border:1px solid var(--field-line);background:var(--card);color:var(--text)}
button.primary{border-color:var(--primary);background:var(--primary);color:var(--on-primary)}
button.primary:hover{border-color:var(--primary-hover);background:var(--primary-hover)}
button:not(.primary):hover{background:var(--bg)}
:focus:not(:focus-visible){outline:none}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
input:focus-visible{outline-offset:1px}
@media (forced-colors:active){:focus-visible{outline-color:Highlight}}
`;
