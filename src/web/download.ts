import { ApiError } from './api.js';

/** The file name a server gave in Content-Disposition, else the fallback. */
function fileName(res: Response, fallback: string): string {
  const m = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '');
  return m ? m[1] : fallback;
}

/**
 * Downloads a file from the API with the session cookie and saves it, so a refusal (no purpose, erased
 * subject) is shown as an error on the page rather than as a broken download.
 * @example await download(`/api/v1/subjects/${id}/export?format=csv&purpose=…`, 'subject.csv');
 */
export async function download(url: string, fallbackName: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'same-origin' });
  } catch (err) {
    throw new ApiError(0, 'network', (err as Error).message || 'Network error');
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as {
      error?: { code?: string; message?: string; details?: { field?: unknown } };
    };
    const field = body.error?.details?.field;
    throw new ApiError(
      res.status,
      body.error?.code ?? `http_${res.status}`,
      body.error?.message ?? res.statusText,
      typeof field === 'string' ? field : undefined,
    );
  }
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName(res, fallbackName);
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the object URL goes.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
