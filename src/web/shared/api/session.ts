import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { $api, problemStatus, setCsrfToken } from './client.js';
import type { components } from '../../../generated/openapi.js';

/** The signed-in person, as `getSession` answers. */
export type Session = components['schemas']['Session'];

/** Who may use an area: an SME signs in at the procurement cloud, bureau staff at their identity provider. */
export type SignInAs = 'supplier' | 'staff';

/** The sign-in contract's start URL, coming back to `returnTo` (a path under `/portal` or `/console`). */
export function signInUrl(as: SignInAs, returnTo: string): string {
  return `/auth/login?${new URLSearchParams({ as, return_to: returnTo }).toString()}`;
}

/**
 * Set in this tab while it has a session, cleared when the person signs out or goes to sign in: a 401 that
 * finds it set means the session ended without them (idle past the timeout, too old, signed out in another
 * tab), which the sign-in prompt then says. The gateway answers all of these alike, and should.
 */
const HAD_SESSION = 'zcd.had-session';

function hadSession(): boolean {
  try {
    return sessionStorage.getItem(HAD_SESSION) !== null;
  } catch {
    return false; // storage refused (a privacy setting): the prompt is the plain one
  }
}

/** Remembers that this tab has a session, or forgets it (signing out, going to sign in). */
export function rememberSession(has: boolean): void {
  try {
    if (has) sessionStorage.setItem(HAD_SESSION, '1');
    else sessionStorage.removeItem(HAD_SESSION);
  } catch {
    // as above
  }
}

/** The state of the browser's session, from `getSession`. */
export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; ended: boolean }
  | { status: 'failed'; retry: () => void }
  | { status: 'signed-in'; session: Session };

/** The session query's key, so that a 401 anywhere can make the shell ask again. */
export const SESSION_QUERY = ['get', '/api/v1/session'] as const;

/** The signed-in person, or that nobody is (401), or that the gateway could not be asked. */
export function useSession(): SessionState {
  const query = $api.useQuery('get', '/api/v1/session', {}, { retry: false, staleTime: 60_000 });
  const token = query.data?.csrf_token;
  useEffect(() => setCsrfToken(token), [token]);
  const signedIn = query.data !== undefined;
  useEffect(() => {
    if (signedIn) rememberSession(true);
  }, [signedIn]);
  if (query.isPending) return { status: 'loading' };
  if (query.data) return { status: 'signed-in', session: query.data };
  if (problemStatus(query.error) === 401) return { status: 'signed-out', ended: hadSession() };
  return { status: 'failed', retry: () => void query.refetch() };
}

/** Signs out on the gateway (POST `/auth/logout` with the CSRF header), forgets the session and goes to `/`. */
export function useSignOut(): { signOut: () => void; pending: boolean; failed: boolean } {
  const queryClient = useQueryClient();
  const mutation = $api.useMutation('post', '/auth/logout', {
    onSuccess: () => leave(),
    onError: (error) => {
      // Already signed out elsewhere (or expired): the result is the same.
      if (problemStatus(error) === 401) leave();
    },
  });
  function leave() {
    rememberSession(false);
    setCsrfToken(undefined);
    queryClient.clear();
    window.location.assign('/');
  }
  return { signOut: () => mutation.mutate({}), pending: mutation.isPending, failed: mutation.isError && problemStatus(mutation.error) !== 401 };
}
