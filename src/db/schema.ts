import type { Generated } from 'kysely';

// Times are ISO 8601 UTC strings with milliseconds (`2026-11-29T21:00:00.000Z`) on both dialects, so that
// they sort and compare as text the same way in SQLite and PostgreSQL.

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  /** TOTP secret sealed with the master key; null until enrolled. */
  totp_secret: string | null;
  totp_enabled: number;
  totp_last_step?: number | null;
  disabled: number;
  last_login_at: string | null;
  password_changed_at: string;
  created_at: string;
  updated_at: string;
}

export interface SessionTable {
  /** SHA-256 of the session token; the token itself lives only in the cookie. */
  id: string;
  user_id: string;
  csrf_token: string;
  /** 1 once the second factor (when enrolled) has been given. */
  verified: number;
  ip_hash: string | null;
  user_agent: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface ApiKeyTable {
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_start: string;
  locked_until: string | null;
}

export interface AuditEntryTable {
  seq: number;
  at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  purpose: string | null;
  request_id: string | null;
  /** Canonical JSON of non-personal details (references, counts, hashes). */
  details: string;
  details_digest: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  last_seq: number;
  last_hash: string;
}

export interface AuditCheckpointTable {
  seq: number;
  hash: string;
  at: string;
  key_id: string;
  signature: string;
  /** 'periodic' | 'retention' (the anchor left behind when older entries are purged) */
  kind: string;
}

export interface JobTable {
  id: string;
  kind: string;
  payload: string;
  status: string;
  run_at: string;
  attempts: number;
  max_attempts: number;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookEndpointTable {
  id: string;
  name: string;
  url: string;
  /** HMAC secret sealed with the master key. */
  secret: string;
  events: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveryTable {
  id: string;
  endpoint_id: string;
  event: string;
  payload: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface OutboxMessageTable {
  id: string;
  channel: string;
  recipient: string;
  subject: string | null;
  body: string;
  created_at: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface SubjectTable {
  id: string;
  external_id: string | null;
  wrapped_key: string | null;
  created_at: string;
  updated_at: string;
  erased_at: string | null;
}

export interface SubjectFieldTable {
  subject_id: string;
  name: string;
  type: string;
  category: string;
  sensitive: number;
  ciphertext: string;
  blind_index: string | null;
  created_at: string;
  updated_at: string;
  /** Set when a retention sweep anonymised the value (PIPL 19, 47); cleared when the field is written again. */
  anonymised_at?: string | null;
}

export interface RetentionSweepTable {
  id: string;
  status: string;
  rules_version: number | null;
  as_of: string;
  summary: string;
  actor_type: string;
  actor_id: string | null;
  created_at: string;
  applied_at: string | null;
  applied_by_type: string | null;
  applied_by_id: string | null;
  apply_summary: string | null;
}

export interface RetentionSweepItemTable {
  sweep_id: string;
  seq: number;
  subject_id: string;
  field_name: string;
  category: string;
  action: string;
  purposes: string;
  status: string;
  note: string | null;
}

export interface SubjectTransferTable {
  id: string;
  subject_id: string;
  recipient: string;
  purpose: string;
  categories: string;
  legal_basis: string;
  actor_type: string;
  actor_id: string | null;
  created_at: string;
}

export interface RuleSetTable {
  id: string;
  name: string;
  description: string;
  active: number;
  options: string;
  published_version: number | null;
  created_at: string;
  updated_at: string;
}

export interface RuleSetVersionTable {
  rule_set_id: string;
  version: number;
  /** The rules as JSONL, one rule a line. */
  rules: string;
  rule_count: number;
  sha256: string;
  note: string;
  /** draft | published | superseded */
  status: string;
  created_by: string | null;
  created_at: string;
  published_at: string | null;
}

export interface ModerationCaseTable {
  id: string;
  content_id: string;
  content_type: string;
  decision: string;
  /** open | claimed | removed | restored | escalated | reportable */
  status: string;
  top_category: string;
  categories: string;
  author_account: string;
  received_at: string;
  transmission_stopped_at: string | null;
  claimed_by: string | null;
  claimed_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
  reasons: string | null;
  retain_until: string;
  legal_hold: number;
  purged_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ModerationEvidenceTable {
  case_id: string;
  content_sealed: string | null;
  content_sha256: string;
  author_ip_sealed: string | null;
  context: string;
  rule_versions: string;
  matches: string;
  evidence_hash: string;
}

export interface ScreenCounterTable {
  day: string;
  content_type: string;
  decision: string;
  count: number;
}

export interface ReportPackageTable {
  id: string;
  number: string;
  case_ids: string;
  authority: string;
  created_by: string | null;
  created_at: string;
  manifest_sha256: string;
  archive: string;
  submitted_at: string | null;
  submitted_to: string | null;
  receipt: string | null;
}

export interface PurposeTable {
  id: string;
  key: string;
  body: string;
  archived: number;
  created_at: string;
  updated_at: string;
}

export interface RulesVersionTable {
  version: number;
  snapshot: string;
  sha256: string;
  effective_at: string;
  published_at: string;
  published_by: string | null;
  /** JSON: provider name, protection officer's contact, complaint channel as published (NDSR 21). */
  organisation: string | null;
}

export interface ConsentTable {
  id: string;
  subject: string;
  purpose_key: string;
  given: number;
  rules_version: number;
  channel: string;
  separate: string;
  evidence: string;
  actor_type: string;
  actor_id: string | null;
  created_at: string;
}

export interface PortalChallengeTable {
  id: string;
  contact_index: string;
  channel: string;
  code_hash: string;
  ip_hash: string;
  subject_ref: string | null;
  expires_at: string;
  attempts: number;
  used_at: string | null;
  created_at: string;
}

export interface PortalSessionTable {
  id: string;
  token_hash: string;
  subject_ref: string;
  channel: string;
  csrf_token: string;
  expires_at: string;
  created_at: string;
}

export interface Database {
  users: UserTable;
  sessions: SessionTable;
  api_keys: ApiKeyTable;
  login_throttle: LoginThrottleTable;
  audit_entries: AuditEntryTable;
  audit_head: AuditHeadTable;
  audit_checkpoints: AuditCheckpointTable;
  jobs: JobTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  outbox_messages: OutboxMessageTable;
  meta: MetaTable;
  subjects: SubjectTable;
  subject_fields: SubjectFieldTable;
  subject_transfers: SubjectTransferTable;
  rule_sets: RuleSetTable;
  rule_set_versions: RuleSetVersionTable;
  moderation_cases: ModerationCaseTable;
  moderation_evidence: ModerationEvidenceTable;
  screen_counters: ScreenCounterTable;
  report_packages: ReportPackageTable;
  purposes: PurposeTable;
  rules_versions: RulesVersionTable;
  consents: ConsentTable;
  retention_sweeps: RetentionSweepTable;
  retention_sweep_items: RetentionSweepItemTable;
  portal_challenges: PortalChallengeTable;
  portal_sessions: PortalSessionTable;
}

export type { Generated };
