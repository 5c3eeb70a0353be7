import { createHash, randomUUID } from 'node:crypto';
import type { ActorRef } from '../audit/actor.js';
import type { AuditLog } from '../audit/service.js';
import type { Db } from '../db/database.js';
import type { RuleSetTable, RuleSetVersionTable } from '../db/schema.js';
import { nowIso, transact } from '../db/transaction.js';
import { AppError, badRequest, conflict, isUniqueViolation, notFound } from '../http/errors.js';
import type { CompileOptions, CompiledRuleSet } from '../screening/index.js';
import {
  formatJsonlRules,
  formatRules,
  parseRules,
  RuleFormatError,
  type RuleFormat,
} from '../screening/formats.js';
import { RuleValidationError, type Rule } from '../screening/rules.js';

// The matching engine (tables for folding, pinyin, traditional characters) is loaded when the first rule
// set is compiled, so an instance without rule sets starts fast.
const engine = () => import('../screening/index.js');

export interface RuleSetView {
  id: string;
  name: string;
  description: string;
  active: boolean;
  options: CompileOptions;
  publishedVersion: number | null;
  latestVersion: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface VersionView {
  version: number;
  ruleCount: number;
  sha256: string;
  note: string;
  status: string;
  createdBy: string | null;
  createdAt: string;
  publishedAt: string | null;
}

const toVersion = (v: RuleSetVersionTable): VersionView => ({
  version: v.version,
  ruleCount: v.rule_count,
  sha256: v.sha256,
  note: v.note,
  status: v.status,
  createdBy: v.created_by,
  createdAt: v.created_at,
  publishedAt: v.published_at,
});

/**
 * Turns an engine error into a 400 that names the rule and field; a file that does not parse names the field
 * it came in (`text`).
 */
function ruleError(err: unknown, field = 'rules'): never {
  if (err instanceof RuleValidationError) {
    const first = err.issues[0];
    throw new AppError(400, 'invalid_rules', err.message, {
      field: `rules.${first.index}.${first.field}`,
      issues: err.issues.slice(0, 50),
    });
  }
  if (err instanceof RuleFormatError) throw new AppError(400, 'invalid_rules', err.message, { field });
  throw err;
}

/**
 * Rule sets, versioned: every change makes a new draft version; publishing one makes it the version the
 * gate applies. History stays, so a decision can always be traced to the exact rules that made it.
 */
export class RuleSetService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  async list(): Promise<RuleSetView[]> {
    const sets = await this.db.selectFrom('rule_sets').selectAll().orderBy('name').execute();
    const latest = await this.db
      .selectFrom('rule_set_versions')
      .select(['rule_set_id', (eb) => eb.fn.max('version').as('v')])
      .groupBy('rule_set_id')
      .execute();
    return sets.map((s) => this.view(s, latest.find((l) => l.rule_set_id === s.id)?.v ?? null));
  }

  private view(s: RuleSetTable, latest: number | null): RuleSetView {
    return {
      id: s.id,
      name: s.name,
      description: s.description,
      active: s.active === 1,
      options: JSON.parse(s.options) as CompileOptions,
      publishedVersion: s.published_version,
      latestVersion: latest === null ? null : Number(latest),
      createdAt: s.created_at,
      updatedAt: s.updated_at,
    };
  }

  async get(id: string): Promise<RuleSetView & { versions: VersionView[] }> {
    const s = await this.db.selectFrom('rule_sets').selectAll().where('id', '=', id).executeTakeFirst();
    if (!s) throw notFound('Rule set');
    const versions = await this.db
      .selectFrom('rule_set_versions')
      .selectAll()
      .where('rule_set_id', '=', id)
      .orderBy('version', 'desc')
      .execute();
    return { ...this.view(s, versions[0]?.version ?? null), versions: versions.map(toVersion) };
  }

  async create(
    actor: ActorRef,
    input: { name: string; description?: string; options?: CompileOptions },
    requestId?: string,
  ): Promise<RuleSetView> {
    if (input.options !== undefined) await checkOptions(input.options);
    const now = nowIso();
    const row: RuleSetTable = {
      id: randomUUID(),
      name: input.name.trim(),
      description: input.description ?? '',
      active: 1,
      options: JSON.stringify(input.options ?? {}),
      published_version: null,
      created_at: now,
      updated_at: now,
    };
    return transact(this.db, async (tx) => {
      try {
        await tx.db.insertInto('rule_sets').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err))
          throw conflict('name_taken', `a rule set named ${row.name} exists`, 'name');
        throw err;
      }
      await this.audit.append(tx, {
        action: 'ruleset.create',
        actor,
        requestId,
        target: { type: 'rule_set', id: row.id },
      });
      return this.view(row, null);
    });
  }

  async update(
    actor: ActorRef,
    id: string,
    patch: { description?: string; active?: boolean; options?: CompileOptions },
    requestId?: string,
  ): Promise<RuleSetView> {
    return transact(this.db, async (tx) => {
      const s = await tx.db.selectFrom('rule_sets').selectAll().where('id', '=', id).executeTakeFirst();
      if (!s) throw notFound('Rule set');
      const set: Partial<RuleSetTable> = { updated_at: nowIso() };
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.active !== undefined) set.active = patch.active ? 1 : 0;
      if (patch.options !== undefined) {
        await checkOptions(patch.options);
        set.options = JSON.stringify(patch.options);
      }
      await tx.db.updateTable('rule_sets').set(set).where('id', '=', id).execute();
      await this.audit.append(tx, {
        action: 'ruleset.update',
        actor,
        requestId,
        target: { type: 'rule_set', id },
        details: { active: patch.active, options: patch.options !== undefined },
      });
      return this.view({ ...s, ...set }, null);
    });
  }

  /** Parses rules from text in a format, or takes them as objects; validates by compiling. */
  async parse(
    input: { rules?: Rule[]; text?: string; format?: RuleFormat },
    options: CompileOptions = {},
  ): Promise<Rule[]> {
    let rules: Rule[];
    const { compileRules } = await engine();
    if ((input.rules === undefined) === (input.text === undefined))
      throw badRequest('invalid_rules', 'give either rules or text', input.rules ? 'text' : 'rules');
    const field = input.rules ? 'rules' : 'text';
    try {
      rules = input.rules ?? parseRules(input.text!, input.format ?? 'jsonl');
      compileRules(rules, options);
    } catch (err) {
      ruleError(err, field);
    }
    // A version that screens nothing, once published, would let everything through: switch the set off instead.
    if (rules.length === 0) throw badRequest('no_rules', `${field} holds no rule`, field);
    return rules;
  }

  /** Adds a draft version with the given rules. */
  async addVersion(
    actor: ActorRef,
    id: string,
    input: { rules?: Rule[]; text?: string; format?: RuleFormat; note?: string },
    requestId?: string,
  ): Promise<VersionView> {
    const set = await this.get(id);
    const rules = await this.parse(input, set.options);
    const jsonl = formatJsonlRules(rules);
    return transact(this.db, async (tx) => {
      const last = await tx.db
        .selectFrom('rule_set_versions')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('rule_set_id', '=', id)
        .executeTakeFirst();
      const row: RuleSetVersionTable = {
        rule_set_id: id,
        version: Number(last?.v ?? 0) + 1,
        rules: jsonl,
        rule_count: rules.length,
        sha256: createHash('sha256').update(jsonl).digest('hex'),
        note: input.note ?? '',
        status: 'draft',
        created_by: actor.id,
        created_at: nowIso(),
        published_at: null,
      };
      await tx.db.insertInto('rule_set_versions').values(row).execute();
      await this.audit.append(tx, {
        action: 'ruleset.version.create',
        actor,
        requestId,
        target: { type: 'rule_set', id },
        details: { version: row.version, rules: row.rule_count, sha256: row.sha256 },
      });
      return toVersion(row);
    });
  }

  async rules(id: string, version: number): Promise<Rule[]> {
    const v = await this.db
      .selectFrom('rule_set_versions')
      .select('rules')
      .where('rule_set_id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!v) throw notFound(`Version ${version} of the rule set`);
    return parseRules(v.rules, 'jsonl');
  }

  async export(id: string, version: number, format: RuleFormat): Promise<string> {
    return formatRules(await this.rules(id, version), format);
  }

  async publish(actor: ActorRef, id: string, version: number, requestId?: string): Promise<RuleSetView> {
    await this.rules(id, version);
    return transact(this.db, async (tx) => {
      const now = nowIso();
      await tx.db
        .updateTable('rule_set_versions')
        .set({ status: 'superseded' })
        .where('rule_set_id', '=', id)
        .where('status', '=', 'published')
        .execute();
      await tx.db
        .updateTable('rule_set_versions')
        .set({ status: 'published', published_at: now })
        .where('rule_set_id', '=', id)
        .where('version', '=', version)
        .execute();
      await tx.db
        .updateTable('rule_sets')
        .set({ published_version: version, updated_at: now })
        .where('id', '=', id)
        .execute();
      await this.audit.append(tx, {
        action: 'ruleset.publish',
        actor,
        requestId,
        target: { type: 'rule_set', id },
        details: { version },
      });
      const s = await tx.db
        .selectFrom('rule_sets')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return this.view(s, null);
    });
  }

  /** Rules added, removed and changed between two versions, by rule id. */
  async diff(id: string, from: number, to: number) {
    const a = new Map((await this.rules(id, from)).map((r) => [r.id, r]));
    const b = new Map((await this.rules(id, to)).map((r) => [r.id, r]));
    const same = (x: Rule, y: Rule) => JSON.stringify(x) === JSON.stringify(y);
    return {
      from,
      to,
      added: [...b.values()].filter((r) => !a.has(r.id)),
      removed: [...a.values()].filter((r) => !b.has(r.id)),
      changed: [...b.values()]
        .filter((r) => a.has(r.id) && !same(a.get(r.id)!, r))
        .map((r) => ({ before: a.get(r.id)!, after: r })),
    };
  }

  /** Screens a text against one version (a draft, before publishing) without storing anything. */
  async test(id: string, version: number, text: string, contentType?: string) {
    const set = await this.get(id);
    const compiled = (await engine()).compileRules(await this.rules(id, version), set.options);
    return compiled.screen(text, { contentType });
  }
}

/**
 * The compiled published versions, per instance. Reloaded when a version moves (polled), so every instance
 * applies a newly published version within seconds, without a restart.
 */
export class RuleSetCache {
  private compiled = new Map<string, { version: number; options: string; set: CompiledRuleSet }>();
  private list: Array<{ id: string; version: number; set: CompiledRuleSet }> | null = null;
  private loading: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Db) {}

  async refresh(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const sets = await this.db
          .selectFrom('rule_sets')
          .select(['id', 'published_version', 'options'])
          .where('active', '=', 1)
          .where('published_version', 'is not', null)
          .execute();
        const next = new Map<string, { version: number; options: string; set: CompiledRuleSet }>();
        const compileRules = sets.length ? (await engine()).compileRules : null;
        for (const s of sets) {
          const have = this.compiled.get(s.id);
          if (have && have.version === s.published_version && have.options === s.options) {
            next.set(s.id, have);
            continue;
          }
          const v = await this.db
            .selectFrom('rule_set_versions')
            .select('rules')
            .where('rule_set_id', '=', s.id)
            .where('version', '=', s.published_version!)
            .executeTakeFirstOrThrow();
          const set = compileRules!(parseRules(v.rules, 'jsonl'), JSON.parse(s.options) as CompileOptions);
          next.set(s.id, { version: s.published_version!, options: s.options, set });
        }
        this.compiled = next;
        this.list = null;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  /** The published sets now in force: `[ruleSetId, version, compiled]`. */
  current(): ReadonlyArray<{ id: string; version: number; set: CompiledRuleSet }> {
    // Built once per reload, not per screened item (the gate reads it on every request).
    this.list ??= [...this.compiled].map(([id, c]) => ({ id, version: c.version, set: c.set }));
    return this.list;
  }

  start(intervalMs: number, onError: (err: unknown) => void): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh().catch(onError), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Options the engine refuses are a 400 when saved, not a 500 at the next version. */
async function checkOptions(options: CompileOptions): Promise<void> {
  try {
    (await engine()).compileRules([], options);
  } catch (err) {
    throw badRequest('invalid_options', `options: ${(err as Error).message}`, 'options');
  }
}
