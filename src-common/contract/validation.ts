import type { z } from 'zod';
import { TernError } from './errors.js';

/** At most this many validation issues are echoed back. */
const MAX_ISSUES = 20;

type Issue = z.core.$ZodIssue;

function pathOf(issue: Issue): string {
  const path = issue.path.map(String);
  // An unknown field is reported at its parent; name the field itself.
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) path.push(issue.keys[0]!);
  return path.join('.');
}

/** A zod failure as BAD_REQUEST naming the first failing field (`details.field`) and listing `details.issues`. */
export function validationError(issues: readonly Issue[], what = 'request'): TernError {
  const listed = issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = pathOf(issue);
    const message = issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}` : issue.message;
    return { path, code: issue.code, message };
  });
  const first = listed[0];
  const field = first?.path ?? '';
  const message = first ? `invalid ${what}: ${field ? `${field}: ` : ''}${first.message}` : `invalid ${what}`;
  return new TernError('BAD_REQUEST', message, { field, issues: listed });
}

/** A method's parameters parsed with its contract schema; a failure is refused as the engine refuses it, whoever the caller. */
export function parseParams<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error.issues, 'parameters');
  return parsed.data;
}
