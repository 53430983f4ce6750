import type { ReactNode } from 'react';

/** Shown where a module's API answers 404: the page still renders, and says what is missing. */
export function ModuleUnavailable({ name, route, children }: { name: string; route: string; children?: ReactNode }) {
  return (
    <div className="notice" role="note" data-testid="module-unavailable">
      <strong>{name} is not available on this server yet.</strong> <code>{route}</code> answered 404. {children}
    </div>
  );
}

export function ErrorNotice({ error }: { error: string | null }) {
  return error ? <div className="notice error" role="alert">{error}</div> : null;
}

/** The forbidden view: signed in, but without the role a page needs. */
export function Forbidden({ role, what }: { role: string; what: string }) {
  return (
    <section className="card forbidden" role="alert" data-testid="forbidden">
      <h2>Forbidden</h2>
      <p>{what} needs the <code>{role}</code> role. Sign in with that role on the <a href="/login">dev login</a> page.</p>
    </section>
  );
}

export function SignInNeeded({ what }: { what: string }) {
  return (
    <section className="card" role="alert" data-testid="sign-in-needed">
      <h2>Sign in</h2>
      <p>{what} needs a signed-in user. Use the <a href="/login">dev login</a>.</p>
    </section>
  );
}
