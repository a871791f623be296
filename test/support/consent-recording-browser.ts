import { FormBrowser } from '@grantline/lib-testing';

/** A browser without JavaScript that keeps the text of each consent page it answers. */
export class ConsentRecordingBrowser extends FormBrowser {
  readonly consentPages: string[] = [];

  override async submit(html: string, fields: Record<string, string>, headers?: Record<string, string>) {
    if ('decision' in fields) this.consentPages.push(visibleText(html));
    return super.submit(html, fields, headers);
  }
}

/** The page's words: no style sheet, no markup, single spaces. */
function visibleText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
