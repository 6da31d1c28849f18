/** The session cookie: opaque, HttpOnly, SameSite=Lax, host-only (`__Host-`: Secure, Path=/, no Domain). */
export const SESSION_COOKIE = '__Host-zcd_session';

/** The cookie that binds a sign-in in progress to the browser that started it. */
export const FLOW_COOKIE = '__Host-zcd_signin';

/** A secret the gateway puts in a cookie: 32 random bytes, base64url. */
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The value of cookie `name` in a `Cookie` header (the first, if sent twice); undefined when absent. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * A `Set-Cookie` value for one of the gateway's `__Host-` cookies. Always `Secure`: browsers drop a `__Host-`
 * cookie without it, and they accept Secure cookies from http://localhost and http://127.0.0.1, so the sandbox
 * on a laptop works too; over plain http on any other host no browser keeps it (use https there).
 */
export function hostCookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Lax`;
}

/** A `Set-Cookie` value that removes one of the gateway's `__Host-` cookies. */
export const clearedCookie = (name: string): string => hostCookie(name, '', 0);
