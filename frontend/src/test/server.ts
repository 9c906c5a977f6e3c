// A tiny fake of `plm serve` at the fetch boundary: routes like "GET api/playlists" map to
// handlers returning a status and a JSON body. Every call is recorded for assertions.
import { vi } from 'vitest';

export interface Call {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (call: Call) => Reply | Promise<Reply>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, body, headers };
}

export function apiError(status: number, code: string, message: string, headers = {}): Reply {
  return { status, body: { error: { code, message } }, headers };
}

/** Installs a fake fetch. Keys are "METHOD path" with the path relative to the base ("api/x"). */
export function mockApi(routes: Record<string, Handler | Reply>) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const method = (init.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((init.headers as Record<string, string>) ?? {}))
      headers[k.toLowerCase()] = v;
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const call: Call = { method, url, headers, body };
    calls.push(call);
    const base = new URL(document.baseURI);
    const path = url.pathname.slice(base.pathname.length);
    const route = routes[`${method} ${path}`];
    if (!route) {
      return new Response(
        JSON.stringify({ error: { code: 'not_found', message: `no route ${method} ${path}` } }),
        {
          status: 404,
          headers: { 'Content-Type': 'application/json' },
        },
      );
    }
    const reply = typeof route === 'function' ? await route(call) : route;
    const status = reply.status ?? 200;
    const nullBody = status === 204 || status === 304;
    return new Response(nullBody ? null : JSON.stringify(reply.body ?? null), {
      status,
      headers: { 'Content-Type': 'application/json', ...reply.headers },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}
