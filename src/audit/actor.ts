/** Who did something: a staff user, an API key, the system itself, an operator at the CLI, or the public. */
export interface ActorRef {
  type: 'user' | 'api_key' | 'system' | 'cli' | 'public';
  id: string | null;
}

export const SYSTEM: ActorRef = { type: 'system', id: null };
export const CLI: ActorRef = { type: 'cli', id: null };
