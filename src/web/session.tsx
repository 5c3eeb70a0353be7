import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { api, ApiError, call, setCsrfToken, whenSessionLost, type SessionBody } from './api.js';

interface SessionState {
  /** undefined while the first check runs; null when nobody is signed in. */
  session: SessionBody | null | undefined;
  /** Why the last session ended on its own (expired), for the sign-in page to say. */
  lost: boolean;
  signedIn: (body: SessionBody) => void;
  refresh: () => Promise<void>;
  signOut: (everywhere?: boolean) => Promise<void>;
  can: (permission: string) => boolean;
}

const SessionContext = createContext<SessionState | null>(null);

/** The staff session of the console: who is signed in, their permissions, and the CSRF token. */
export function SessionProvider({ active, children }: { active: boolean; children: ReactNode }) {
  const [session, setSession] = useState<SessionBody | null | undefined>(undefined);
  const [lost, setLost] = useState(false);
  const current = useRef<SessionBody | null>(null);

  const apply = useCallback((body: SessionBody | null) => {
    current.current = body;
    setCsrfToken(body?.csrfToken ?? null);
    setSession(body);
  }, []);

  const refresh = useCallback(async () => {
    try {
      apply(await call(api.GET('/api/v1/auth/session')));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) apply(null);
      else throw err;
    }
  }, [apply]);

  useEffect(() => {
    // Before setup there is nobody to be signed in as.
    if (active) refresh().catch(() => apply(null));
  }, [active, refresh, apply]);

  useEffect(() => {
    whenSessionLost(() => {
      // Only a session we held can be lost; the first check answering 401 just means "not signed in".
      if (!current.current) return;
      setLost(true);
      apply(null);
    });
    return () => whenSessionLost(null);
  }, [apply]);

  const value = useMemo<SessionState>(
    () => ({
      session,
      lost,
      signedIn: (body) => {
        setLost(false);
        apply(body);
      },
      refresh,
      signOut: async (everywhere = false) => {
        // From here on a 401 is the sign-out itself, not a lost session.
        current.current = null;
        try {
          await call(api.POST(everywhere ? '/api/v1/auth/logout-all' : '/api/v1/auth/logout'));
        } finally {
          setLost(false);
          apply(null);
        }
      },
      can: (permission) => !!session?.permissions.includes(permission),
    }),
    [session, lost, apply, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in session; only for pages rendered behind the sign-in gate. */
export function useSignedIn(): SessionBody & Omit<SessionState, 'session'> {
  const s = useSession();
  if (!s.session) throw new Error('useSignedIn without a session');
  return { ...s, ...s.session };
}
