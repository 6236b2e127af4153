import type { Express } from 'express';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type RouteInfo = { method: Method; path: string; key: string };

export const UNSAFE_METHODS: readonly Method[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

type Layer = {
  name: string;
  rawPath?: unknown;
  slash?: boolean;
  handle: { stack?: Layer[] };
  route?: { path: unknown; methods: Record<string, boolean> };
};

/**
 * Every (method, path) the app answers, read from Express 5's own router stack, so a route
 * added anywhere shows up here without anyone keeping a list. Nested routers are followed;
 * a mounted sub-app or a RegExp path cannot be read back and fails loudly instead.
 */
export function listRoutes(app: Express): RouteInfo[] {
  const router = (app as unknown as { router?: { stack: Layer[] } }).router;
  if (!router) throw new Error('listRoutes: app.router is missing (is this an Express 5 app?)');
  const routes = new Map<string, RouteInfo>();
  walk(router.stack, '', routes);
  return [...routes.values()].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

function walk(stack: Layer[], prefix: string, routes: Map<string, RouteInfo>): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const path of pathsOf(layer.route.path)) {
        for (const [method, enabled] of Object.entries(layer.route.methods)) {
          if (!enabled || method === '_all') continue;
          const upper = method.toUpperCase() as Method;
          const full = joinPath(prefix, path);
          const key = `${upper} ${full}`;
          routes.set(key, { method: upper, path: full, key });
        }
      }
      continue;
    }
    if (layer.name === 'mounted_app') {
      throw new Error('listRoutes: a sub-app is mounted with app.use(); mount a Router instead so its routes can be listed');
    }
    if (layer.handle?.stack) {
      const mount = layer.slash ? [''] : pathsOf(layer.rawPath ?? '');
      for (const path of mount) walk(layer.handle.stack, joinPath(prefix, path), routes);
    }
  }
}

function pathsOf(path: unknown): string[] {
  const list = Array.isArray(path) ? path.flat(Infinity) : [path];
  return list.map((p) => {
    if (typeof p !== 'string') throw new Error(`listRoutes: cannot list a route whose path is ${String(p)}; use a string path`);
    return p;
  });
}

function joinPath(prefix: string, path: string): string {
  const joined = `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return joined.length > 1 ? joined.replace(/\/+$/, '') : joined;
}

/** The names of a path's parameters, e.g. ['dinnerId'] for '/dinners/:dinnerId/rsvp'. */
export function paramNames(path: string): string[] {
  return [...path.matchAll(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}

/**
 * Fills ':name' (and '*name') parameters; a parameter without a value gets `fallback`.
 * Optional groups written as '{...}' keep their content when all its params have values.
 */
export function fillPath(path: string, params: Record<string, string | number> = {}, fallback = '999999'): string {
  const withoutOptional = path.replace(/\{([^}]*)\}/g, (_all, inner: string) =>
    paramNames(inner).every((name) => params[name] !== undefined) ? inner : '',
  );
  return withoutOptional.replace(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g, (_all, name: string) =>
    encodeURIComponent(String(params[name] ?? fallback)),
  );
}
