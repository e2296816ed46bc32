import type { KTalkApi, Result } from '../../electron/src/common/api';

// In web mode there is no preload: the same API is reached over the local
// server (same origin, session cookie set by the launch URL). In Electron
// the preload has already defined window.ktalk, and this does nothing.

async function call(method: string, args: unknown[]): Promise<Result<unknown>> {
  try {
    const response = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
      credentials: 'same-origin',
    });
    const body: unknown = await response.json();
    if (response.ok) return body as Result<unknown>;
    const error = (body as { error?: { code?: unknown; message?: unknown } }).error;
    return {
      ok: false,
      error: {
        code: typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
        message: typeof error?.message === 'string' ? error.message : response.statusText,
      },
    };
  } catch (error) {
    return { ok: false, error: { code: 'UNREACHABLE', message: (error as Error).message } };
  }
}

export function installWebClient(): void {
  if (window.ktalk) return;
  // The server knows the operations and validates every call; an unknown name is a 404 there.
  const api = new Proxy(
    {},
    { get: (_target, method) => (typeof method === 'string' ? (...args: unknown[]) => call(method, args) : undefined) },
  );
  window.ktalk = api as KTalkApi;
}
