// Stripe-shaped API errors ({ error: { type, code, message, param } }) and whether the idempotency layer keeps them.

export type ApiErrorType = 'invalid_request_error' | 'card_error' | 'idempotency_error' | 'api_error';

export type ApiErrorBody = {
  type: ApiErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  payment_intent?: unknown;
};

/**
 * `stored` mirrors Stripe's rule: a result is saved under an idempotency key only once the endpoint
 * began executing. A request that fails validation (bad or missing params, unknown ids in the path)
 * is not saved, so a corrected retry with the same key runs; a business refusal
 * (balance_insufficient, amount_too_large, a declined card) is saved and replayed.
 */
export class StripeApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;
  readonly stored: boolean;

  constructor(status: number, body: ApiErrorBody, stored: boolean) {
    super(body.message);
    this.name = 'StripeApiError';
    this.status = status;
    this.body = body;
    this.stored = stored;
  }
}

export function invalidParam(param: string, message: string, code?: string): StripeApiError {
  return new StripeApiError(
    400,
    { type: 'invalid_request_error', message, param, ...(code ? { code } : {}) },
    false,
  );
}

export function noSuchResource(kind: string, id: string, param = 'id', status = 404): StripeApiError {
  return new StripeApiError(
    status,
    { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${id}'`, param },
    false,
  );
}

/** A refusal after the endpoint started executing: saved under the idempotency key and replayed. */
export function refused(message: string, code: string, param?: string): StripeApiError {
  return new StripeApiError(
    400,
    { type: 'invalid_request_error', message, code, ...(param ? { param } : {}) },
    true,
  );
}

export function cardDeclined(message: string, declineCode: string, paymentIntent: unknown): StripeApiError {
  return new StripeApiError(
    402,
    {
      type: 'card_error',
      code: 'card_declined',
      decline_code: declineCode,
      message,
      payment_intent: paymentIntent,
    },
    true,
  );
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(
    404,
    {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}). This local Stripe server implements only the endpoints Wharf uses.`,
    },
    false,
  );
}

export function unauthorized(message: string): StripeApiError {
  return new StripeApiError(401, { type: 'invalid_request_error', message }, false);
}

export function idempotencyMismatch(key: string, reason: 'params' | 'endpoint', path: string) {
  const message =
    reason === 'endpoint'
      ? `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${path}'). Try using a key other than '${key}' if you meant to execute a different request.`
      : `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`;
  return new StripeApiError(400, { type: 'idempotency_error', message }, false);
}
