import type { Migration } from 'kysely';
import * as platform from './20261129-0001-platform.js';
import * as vault from './20261129-0002-vault.js';
import * as moderation from './20261129-0003-moderation.js';
import * as totpStep from './20261129-0004-totp-step.js';
import * as rules from './20261129-0005-rules.js';
import * as portal from './20261129-0006-portal.js';
import * as retention from './20261129-0007-retention.js';
import * as rulesOrganisation from './20261129-0008-rules-organisation.js';
import * as consentCheckIndex from './20261129-0010-consent-check-index.js';
import * as consentCheckCovering from './20261129-0011-consent-check-covering.js';

/** Every migration, in order. Names sort by date; a new migration is appended here. */
export const migrations: Record<string, Migration> = {
  '20261129-0001-platform': platform,
  '20261129-0002-vault': vault,
  '20261129-0003-moderation': moderation,
  '20261129-0004-totp-step': totpStep,
  '20261129-0005-rules': rules,
  '20261129-0006-portal': portal,
  '20261129-0007-retention': retention,
  '20261129-0008-rules-organisation': rulesOrganisation,
  '20261129-0010-consent-check-index': consentCheckIndex,
  '20261129-0011-consent-check-covering': consentCheckCovering,
};
