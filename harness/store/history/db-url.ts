// A database URL as it may be shown: `postgres://user:secret@host/db` is said
// as `postgres://user@host/db`, so that a password (or a token in the query
// string) never reaches a log line, an error message or a recorded result.
const SECRET_PARAMS = /^(password|sslpassword|sslkey|sslcert|passfile|token|secret)$/i;

/** True for a PostgreSQL URL (`postgres://` or `postgresql://`). */
export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

/** The URL without its password and without secret query parameters. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // not parseable: cut everything between the scheme and an @, which is where a password would be
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
  }
  if (u.password) u.password = '';
  for (const k of [...u.searchParams.keys()]) if (SECRET_PARAMS.test(k)) u.searchParams.set(k, '***');
  return u.toString();
}

/** `text` with every occurrence of `url` (and of its password) replaced by the redacted form. */
export function redactIn(text: string, url: string): string {
  let out = text.split(url).join(redactUrl(url));
  try {
    const pw = decodeURIComponent(new URL(url).password);
    if (pw.length >= 3) out = out.split(pw).join('***');
  } catch {
    // nothing more to hide
  }
  return out;
}
