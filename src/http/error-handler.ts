import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
}

/** Names the field a validation error is about, e.g. `body.username` or `query.limit`. */
function fieldOf(issue: ValidationIssue, context: string | undefined): string {
  let path = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  if (issue.keyword === 'required' && issue.params?.missingProperty)
    path = path ? `${path}.${issue.params.missingProperty}` : String(issue.params.missingProperty);
  if (issue.keyword === 'additionalProperties' && issue.params?.additionalProperty)
    path = path ? `${path}.${issue.params.additionalProperty}` : String(issue.params.additionalProperty);
  return path || context || 'body';
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
    const problems = issues.map((i) => {
      const field = fieldOf(i, err.validationContext);
      const problem =
        i.keyword === 'required'
          ? 'is required'
          : i.keyword === 'additionalProperties'
            ? 'is not allowed'
            : (i.message ?? 'is invalid');
      return { field, problem };
    });
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
