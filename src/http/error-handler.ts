import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
}

// A property name the caller invented is echoed only when it looks like one: a mistyped field name
// (`usename`) helps; a name that is really a value (an ID number, a password, an e-mail) is not repeated.
const ECHOED_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;
const shownName = (name: string) => ECHOED_NAME.test(name) && !/\d{5}/.test(name);

/** Names the field a validation error is about, e.g. `body.username` or `query.limit`. */
function fieldOf(issue: ValidationIssue, context: string | undefined): string {
  let path = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  if (issue.keyword === 'required' && issue.params?.missingProperty)
    path = path ? `${path}.${issue.params.missingProperty}` : String(issue.params.missingProperty);
  const extra = issue.keyword === 'additionalProperties' ? issue.params?.additionalProperty : undefined;
  if (typeof extra === 'string' && shownName(extra)) path = path ? `${path}.${extra}` : extra;
  return path || context || 'body';
}

/** The problem in words; a union of constants (an enum) lists the values it allows. */
function problemOf(issue: ValidationIssue, issues: ValidationIssue[]): string {
  if (issue.keyword === 'required') return 'is required';
  if (issue.keyword === 'additionalProperties') {
    const extra = issue.params?.additionalProperty;
    return typeof extra === 'string' && shownName(extra)
      ? 'is not allowed'
      : 'has a property that is not allowed (its name is not repeated here)';
  }
  if (issue.keyword === 'const' || issue.keyword === 'anyOf' || issue.keyword === 'enum') {
    const allowed = issues
      .filter((x) => x.instancePath === issue.instancePath && x.keyword === 'const')
      .map((x) => JSON.stringify(x.params?.allowedValue));
    if (issue.keyword === 'enum' && Array.isArray(issue.params?.allowedValues))
      allowed.push(...(issue.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)));
    if (allowed.length > 1) return `must be one of ${allowed.join(', ')}`;
  }
  return issue.message ?? 'is invalid';
}

/**
 * One place maps errors to `{ error: { code, message, details } }`. Client errors pass through with the
 * field named; anything else becomes a bare 500 carrying the request id, the cause only in the log.
 */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof AppError) {
    return reply
      .status(err.statusCode)
      .send({ error: { code: err.code, message: err.message, details: err.details } });
  }
  if (err.validation) {
    const issues = err.validation as ValidationIssue[];
    const problems = issues.map((i) => ({
      field: fieldOf(i, err.validationContext),
      problem: problemOf(i, issues),
    }));
    const first = problems[0];
    return reply.status(400).send({
      error: {
        code: 'invalid_request',
        // The whole part (an empty body, a body that is no object) is named once: "body: must be object".
        message: `${err.validationContext ?? 'body'}.${first.field}: ${first.problem}`.replace(
          /^(\w+)\.\1([.:])/,
          '$1$2',
        ),
        details: { field: first.field, in: err.validationContext, problems },
      },
    });
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code = (err.code ?? 'bad_request').replace(/^FST_ERR_/, '').toLowerCase();
    return reply.status(status).send({ error: { code, message: err.message, details: {} } });
  }
  req.log.error({ err }, 'unhandled error');
  return reply
    .status(500)
    .send({ error: { code: 'internal', message: 'Internal error', details: { requestId: req.id } } });
}
