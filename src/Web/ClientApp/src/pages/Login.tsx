import { useState, type FormEvent } from 'react';
import { devLogin, logout, useAuth, type Role } from '../auth';
import { ErrorNotice } from '../components/Notice';
import { navigate } from '../router';

const ROLES: Array<[Role, string]> = [
  ['user', 'user: open streams'],
  ['publisher', 'publisher: publish events, create notifications'],
  ['admin', 'admin: monitor, disconnect clients, Hangfire'],
];

/** Development sign-in: picks a user and roles and gets a signed token from POST /api/auth/dev-token. */
export function Login() {
  const auth = useAuth();
  const [userId, setUserId] = useState(auth?.userId ?? 'alice');
  const [roles, setRoles] = useState<Role[]>(auth?.roles ?? ['user']);
  const [lifetime, setLifetime] = useState(60);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await devLogin(userId.trim(), roles, lifetime);
      setError(null);
      navigate(new URLSearchParams(window.location.search).get('next') ?? '/sse-demo');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (role: Role) => setRoles((r) => (r.includes(role) ? r.filter((x) => x !== role) : [...r, role]));

  return (
    <>
      <h1>Dev login</h1>
      <p className="lead">Development only: the server signs a token for any user id and roles you choose.</p>
      {auth && (
        <p role="status">Signed in as <strong>{auth.userId}</strong> ({auth.roles.join(', ')}), token valid until {new Date(auth.expiresAt).toLocaleTimeString()}.{' '}
          <button type="button" className="secondary small" onClick={logout}>Sign out</button></p>
      )}
      <ErrorNotice error={error} />
      <form className="card grid-form" onSubmit={(e) => void submit(e)} aria-label="Sign in">
        <label>User id<input name="userId" value={userId} onChange={(e) => setUserId(e.target.value)} required maxLength={128} autoComplete="username" /></label>
        <fieldset>
          <legend>Roles</legend>
          {ROLES.map(([role, label]) => (
            <label key={role} className="check"><input type="checkbox" name="roles" value={role} checked={roles.includes(role)} onChange={() => toggle(role)} /> {label}</label>
          ))}
        </fieldset>
        <label>Token lifetime (minutes)<input type="number" min={1} max={1440} value={lifetime} onChange={(e) => setLifetime(Number(e.target.value))} /></label>
        <div className="row"><button type="submit" disabled={busy || !userId.trim()}>Sign in</button></div>
      </form>
    </>
  );
}
