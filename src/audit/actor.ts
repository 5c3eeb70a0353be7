/**
 * Who did something: a staff user, an API key, the system itself, an operator at the CLI, the public, or a
 * subject verified in the portal (its id a keyed digest of the subject's reference, never the reference).
 */
export interface ActorRef {
  type: 'user' | 'api_key' | 'system' | 'cli' | 'public' | 'subject';
  id: string | null;
}

export const SYSTEM: ActorRef = { type: 'system', id: null };
export const CLI: ActorRef = { type: 'cli', id: null };
