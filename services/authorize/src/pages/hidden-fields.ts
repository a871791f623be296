import { escapeHtml } from './escape';

/** Renders each entry as an `<input type="hidden">`, names and values escaped. */
export function renderHiddenFields(hidden: Record<string, string>): string {
  return Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
}
