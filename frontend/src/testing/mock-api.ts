// A small in-test API: handlers by method and path pattern, every request
// recorded, and any request without a handler fails the test (after it).
type Json = unknown;

export type MockRequest = {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Json;
  headers: Headers;
};

export type MockReply = { status?: number; body?: Json } | Json;
type Handler = (req: MockRequest) => MockReply | Promise<MockReply>;

type Route = { method: string; pattern: RegExp; keys: string[]; handler: Handler; once: boolean };

let routes: Route[] = [];
let calls: MockRequest[] = [];
let unhandled: string[] = [];

function compile(path: string) {
  const keys: string[] = [];
  const pattern = new RegExp(
    "^" +
      path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\{(\w+)\\\}|:(\w+)/g, (_m, a: string, b: string) => {
        keys.push(a ?? b);
        return "([^/]+)";
      }) +
      "/?$",
  );
  return { pattern, keys };
}

function isReply(value: unknown): value is { status?: number; body?: Json } {
  return !!value && typeof value === "object" && ("status" in value || "body" in value) && Object.keys(value).every((k) => k === "status" || k === "body");
}

export function apiError(status: number, code: string, message: string, fields?: Record<string, string[]>) {
  return { status, body: { error: { code, message, details: fields ? { fields } : {} } } };
}

export function page<T>(results: T[], count = results.length) {
  return { count, next: null, previous: null, results };
}

export const mockApi = {
  /** Answer `method path` (path like `/api/v1/orgs/{org}/licenses`) with `handler`, until replaced. */
  on(method: string, path: string, handler: Handler | object, { once = false } = {}) {
    const { pattern, keys } = compile(path);
    const fn: Handler = typeof handler === "function" ? (handler as Handler) : () => handler;
    routes.unshift({ method: method.toUpperCase(), pattern, keys, handler: fn, once });
    return mockApi;
  },
  calls: (method?: string, path?: string) =>
    calls.filter((c) => (!method || c.method === method.toUpperCase()) && (!path || compile(path).pattern.test(c.path))),
  reset() {
    routes = [];
    calls = [];
    unhandled = [];
  },
  assertAllHandled() {
    if (unhandled.length) {
      const list = unhandled.join(", ");
      unhandled = [];
      throw new Error(`Requests without a mock handler: ${list}`);
    }
  },
  async fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url);
    const text = await request.text();
    let body: Json;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const method = request.method.toUpperCase();
    for (const route of routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(match[i + 1])]));
      const req: MockRequest = { method, path: url.pathname, params, query: url.searchParams, body, headers: request.headers };
      calls.push(req);
      if (route.once) routes = routes.filter((r) => r !== route);
      const reply = await route.handler(req);
      const { status = 200, body: out } = isReply(reply) ? reply : { status: 200, body: reply };
      if (status === 204 || out === undefined) return new Response(null, { status: status === 200 ? 204 : status });
      return new Response(JSON.stringify(out), { status, headers: { "Content-Type": "application/json" } });
    }
    unhandled.push(`${method} ${url.pathname}${url.search}`);
    return new Response(JSON.stringify({ error: { code: "unmocked", message: "No mock", details: {} } }), { status: 501 });
  },
};
