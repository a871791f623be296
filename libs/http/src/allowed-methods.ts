import type { Express } from 'express';

/** The parts of express's router layers read here (express 5, the `router` package). */
interface RouterLayer {
  path?: string;
  match(path: string): boolean;
  route?: { methods: Record<string, boolean | undefined> };
  handle?: { stack?: RouterLayer[] };
}

/**
 * The methods the app's routes answer at `path`, for the Allow header of a 405 (RFC 9110 §15.5.6);
 * none when no route has that path. Routers mounted with `app.use` are searched too.
 */
export function allowedMethods(app: Express, path: string): string[] {
  const found = new Set<string>();
  const visit = (stack: readonly RouterLayer[], rest: string): void => {
    for (const layer of stack) {
      if (!layer.match(rest)) continue;
      if (layer.route) {
        for (const [method, handled] of Object.entries(layer.route.methods)) {
          if (handled && method !== '_all') found.add(method.toUpperCase());
        }
      } else if (layer.handle?.stack) {
        visit(layer.handle.stack, rest.slice((layer.path ?? '').length) || '/');
      }
    }
  };
  visit((app.router as unknown as { stack: RouterLayer[] }).stack, path);
  // RFC 9110 §9.3.2: a resource that answers GET answers HEAD.
  if (found.has('GET')) found.add('HEAD');
  return [...found].sort();
}
