import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, call } from './api.js';

export interface Meta {
  providerName: string;
  version: string;
  mode: string;
  setupNeeded: boolean;
  dialect: string;
}

interface MetaState {
  meta: Meta | null;
  error: unknown;
  reload: () => Promise<void>;
}

const MetaContext = createContext<MetaState>({ meta: null, error: null, reload: async () => {} });

/** What the server says about itself (provider name, whether setup is needed), loaded once for every page. */
export function MetaProvider({ children }: { children: ReactNode }) {
  const [meta, setMeta] = useState<Meta | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(async () => {
    try {
      setMeta(await call(api.GET('/api/v1/meta')));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return <MetaContext.Provider value={{ meta, error, reload }}>{children}</MetaContext.Provider>;
}

export const useMeta = () => useContext(MetaContext);
