// Builds requests for calling route loaders and actions directly, and reads what they answer.
export const ORIGIN = 'http://localhost:3000';

export function formRequest(
  path: string,
  fields: Record<string, string>,
  options: { cookie?: string; ip?: string } = {},
) {
  const headers = new Headers({ 'Content-Type': 'application/x-www-form-urlencoded' });
  if (options.cookie) headers.set('Cookie', options.cookie);
  headers.set('x-wharf-client-ip', options.ip ?? '203.0.113.7');
  return new Request(`${ORIGIN}${path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(fields).toString(),
  });
}

export function getRequest(path: string, options: { cookie?: string } = {}) {
  const headers = new Headers();
  if (options.cookie) headers.set('Cookie', options.cookie);
  return new Request(`${ORIGIN}${path}`, { headers });
}

/** The `name=value` part of the session cookie a response sets. */
export function sessionCookieFrom(response: Response): string {
  const header = response.headers.get('Set-Cookie') ?? '';
  const match = /wharf_session=[^;]+/.exec(header);
  if (!match) throw new Error(`no session cookie in: ${header}`);
  return match[0];
}

/** Runs a loader or action; a thrown Response (redirect, 403, 404) is returned like a returned one. */
export async function call(fn: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await fn();
    if (result instanceof Response) return result;
    return new Response(JSON.stringify(result), { status: 200 });
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}

/** Logs a (demo) user in through the real login action and returns its session cookie. */
export async function logInAs(email: string, password = 'wharf-demo-2026'): Promise<string> {
  const { action } = await import('../../app/routes/login');
  const response = await call(() =>
    action({ request: formRequest('/login', { email, password }), params: {}, context: {} }),
  );
  if (response.status !== 302) throw new Error(`logging in as ${email} answered ${response.status}`);
  return sessionCookieFrom(response);
}
