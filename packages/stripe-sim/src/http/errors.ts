/** Errors in Stripe's format: {error: {type, code, message, param}}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: 'invalid_request_error' | 'api_error' | 'authentication_error',
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }

  withStatus(status: number): ApiError {
    return new ApiError(status, this.type, this.message, this.code, this.param);
  }

  body(requestId: string): object {
    return {
      error: {
        type: this.type,
        ...(this.code ? { code: this.code } : {}),
        message: this.message,
        ...(this.param ? { param: this.param } : {}),
        ...(this.code
          ? { doc_url: `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}` }
          : {}),
        request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}`,
      },
    };
  }
}

export const invalid = (message: string, code?: string, param?: string) =>
  new ApiError(400, 'invalid_request_error', message, code, param);

export const missing = (noun: string, id: string, param = 'id') =>
  new ApiError(404, 'invalid_request_error', `No such ${noun}: '${id}'`, 'resource_missing', param);
