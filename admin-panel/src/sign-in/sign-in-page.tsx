import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useRouter } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { ApiError, describeError, session, type SignInReason } from '../api';
import { Alert, Button, TextField } from '../design';
import { safeRedirect, sessionQuery } from '../session-query';
import './sign-in.css';

const route = getRouteApi('/sign-in');

const REASONS: Record<SignInReason, string> = {
  expired: 'Your session has ended (it expired, or the server restarted). Sign in again to continue.',
  'signed-out': 'You are signed out.',
};

/** The sign-in form: the admin password; the user name is always "admin". */
export function SignInPage() {
  const search = route.useSearch();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (password === '') {
      setError('Enter the admin password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const info = await session.signIn(password);
      queryClient.setQueryData(sessionQuery.queryKey, info);
      router.history.push(`${router.basepath.replace(/\/$/, '')}${safeRedirect(search.redirect)}`);
    } catch (caught) {
      setError(signInError(caught));
      setBusy(false);
    }
  };

  return (
    <main className="wm-sign-in">
      <form className="wm-sign-in__card" onSubmit={(event) => void onSubmit(event)} noValidate>
        <div className="wm-sign-in__brand">
          <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={32} height={32} />
          <h1>Waymark admin</h1>
        </div>
        {search.reason === undefined ? null : <Alert tone="info">{REASONS[search.reason]}</Alert>}
        <TextField label="User name" name="username" value="admin" readOnly autoComplete="username" hint="The admin area has one user: admin." />
        <TextField
          label="Admin password"
          type="password"
          name="password"
          autoComplete="current-password"
          autoFocus
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={error ?? undefined}
          hint={
            <>
              Set with <code>WAYMARK_ADMIN_PASSWORD</code> or <code>waymark settings set admin-password</code>; a first start prints a generated one to
              the log.
            </>
          }
        />
        <Button type="submit" variant="primary" busy={busy}>
          Sign in
        </Button>
      </form>
    </main>
  );
}

function signInError(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return 'That password is not right. Try again.';
  if (error instanceof ApiError && error.status === 429) return `${error.message} Too many failed sign-ins from this address; wait, then try again.`;
  return describeError(error);
}
