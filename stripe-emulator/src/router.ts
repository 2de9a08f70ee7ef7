import type { Emulator } from './emulator.js';
import type { Params } from './form.js';
import type { StripeObject } from './store.js';

interface ApiRequest {
  method: string;
  path: string;
  params: Params;
  pathParams: Record<string, string>;
}

export type ApiHandler = (emulator: Emulator, request: ApiRequest) => StripeObject;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: ApiHandler;
}

/** Minimal method + path-pattern router (`/v1/customers/:id`). */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: ApiHandler): this {
    const names: string[] = [];
    const source = path.replace(/:(\w+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  get(path: string, handler: ApiHandler): this {
    return this.add('GET', path, handler);
  }

  post(path: string, handler: ApiHandler): this {
    return this.add('POST', path, handler);
  }

  delete(path: string, handler: ApiHandler): this {
    return this.add('DELETE', path, handler);
  }

  /** `null` = no route for the path; `'method'` = path known, method not allowed. */
  match(method: string, path: string): { handler: ApiHandler; pathParams: Record<string, string> } | null | 'method' {
    let pathMatched = false;
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, i) => (pathParams[name] = decodeURIComponent(found[i + 1]!)));
      return { handler: route.handler, pathParams };
    }
    return pathMatched ? 'method' : null;
  }
}
