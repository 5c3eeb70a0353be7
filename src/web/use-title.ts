import { useEffect } from 'react';
import { useMeta } from './meta.js';

/** Sets the window title, so screen readers and tabs say which page this is. */
export function useTitle(title: string): void {
  const { meta } = useMeta();
  const provider = meta?.providerName ?? 'Custodian';
  useEffect(() => {
    document.title = title ? `${title} · ${provider}` : provider;
  }, [title, provider]);
}
