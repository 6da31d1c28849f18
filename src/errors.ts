/** One offending input: where it was and what is wrong with it. */
export interface FieldIssue {
  in: 'body' | 'query' | 'path' | 'header';
  /** JSON Pointer (RFC 6901) into that part of the request. */
  pointer: string;
  detail: string;
}

/** Base of every error the gateway answers on purpose: a stable code and an HTTP status. */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request does not satisfy the published schema. */
export class ValidationError extends DomainError {
  constructor(readonly issues: FieldIssue[], message = 'The request is not valid.') {
    super(400, 'validation_failed', message, { errors: issues });
  }
}

/** 404: the thing does not exist, or the caller may not know that it does. */
export class NotFoundError extends DomainError {
  constructor(code = 'not_found', message = 'The resource does not exist.') {
    super(404, code, message);
  }
}

/** 409: the request conflicts with the current state. */
export class ConflictError extends DomainError {
  constructor(code: string, message: string, extra: Record<string, unknown> = {}) {
    super(409, code, message, extra);
  }
}

/** 403: authenticated, but not allowed to do this. */
export class ForbiddenError extends DomainError {
  constructor(code = 'forbidden', message = 'Not allowed.') {
    super(403, code, message);
  }
}
