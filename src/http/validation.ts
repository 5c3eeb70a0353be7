import { AjvCompiler, type RouteDefinition } from '@fastify/ajv-compiler';
import type { AnySchema, Ajv } from 'ajv';

const OPTIONS = { removeAdditional: false, useDefaults: true, allErrors: false } as const;

type Validate = ((data: unknown) => boolean) & { errors?: unknown };

/**
 * Ajv coerces `?limit=1e400` or `Infinity` to Infinity and then skips `maximum` for it; the stores then fail.
 * Text parts (flat objects) are refused with the field named when a value came out of coercion infinite.
 */
function finite(validate: Validate): Validate {
  const checked: Validate = (data) => {
    if (!validate(data)) {
      checked.errors = validate.errors;
      return false;
    }
    if (data && typeof data === 'object')
      for (const [key, value] of Object.entries(data))
        if (typeof value === 'number' && !Number.isFinite(value)) {
          checked.errors = [
            {
              instancePath: `/${key}`,
              schemaPath: '',
              keyword: 'type',
              params: {},
              message: 'must be a finite number',
            },
          ];
          return false;
        }
    checked.errors = null;
    return true;
  };
  return checked;
}

/**
 * RFC 3339 lets a time end in a leap second (23:59:60), which JavaScript dates cannot hold: such a time would
 * pass validation and fail later, as a 500. A date-time must also be one `Date` can represent.
 */
function strictDateTime(ajv: Ajv): void {
  const given = ajv.formats['date-time'] as { validate: (s: string) => boolean } | ((s: string) => boolean);
  const valid = typeof given === 'function' ? given : given.validate;
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) => valid(s) && Number.isFinite(Date.parse(s)),
  });
}

const fromPool = AjvCompiler();

/**
 * The request validators. Query strings, path parameters and headers arrive as text, so their values are
 * coerced to the types their schemas name (and a lone value to an array). A JSON body is typed already:
 * coercing it would turn `null` into `false`, `""` or `0` (a `{"disabled": null}` would enable an account,
 * `{"given": null}` record a withdrawal), so a body of the wrong type is refused instead.
 */
export function buildValidator(externalSchemas: Record<string, AnySchema>) {
  const text = fromPool(externalSchemas, {
    customOptions: { ...OPTIONS, coerceTypes: 'array' },
    onCreate: strictDateTime,
  });
  const json = fromPool(externalSchemas, {
    customOptions: { ...OPTIONS, coerceTypes: false },
    onCreate: strictDateTime,
  });
  return (route: RouteDefinition) =>
    route.httpPart === 'body' ? json(route) : (finite(text(route) as Validate) as ReturnType<typeof text>);
}
