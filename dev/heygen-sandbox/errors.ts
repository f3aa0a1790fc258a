// HeyGen v3 error envelope: {"error": {"code", "message", "param"?, "doc_url"}}.

export const DOC_URL = 'https://docs.heygen.com/reference/errors';

const DEFAULT_CODES: Record<number, string> = {
	400: 'invalid_parameter',
	401: 'unauthorized',
	402: 'insufficient_credits',
	403: 'forbidden',
	404: 'not_found',
	409: 'idempotency_conflict',
	429: 'rate_limited',
	500: 'internal_error',
	502: 'bad_gateway',
	503: 'service_unavailable',
	504: 'gateway_timeout',
};

const DEFAULT_MESSAGES: Record<number, string> = {
	401: 'Invalid API key',
	402: 'Insufficient credits',
	403: 'Forbidden',
	409: 'A request with this Idempotency-Key is already in progress',
	429: 'Rate limit exceeded, retry later',
	500: 'Internal server error',
	502: 'Bad gateway',
	503: 'Service unavailable',
	504: 'Gateway timeout',
};

export function defaultCode(status: number): string {
	return DEFAULT_CODES[status] ?? (status >= 500 ? 'internal_error' : 'error');
}

export function defaultMessage(status: number): string {
	return DEFAULT_MESSAGES[status] ?? `Request failed with status ${status}`;
}

export interface ErrorBody {
	error: { code: string; message: string; param?: string; doc_url: string };
}

export function errorBody(code: string, message: string, param?: string): ErrorBody {
	return { error: { code, message, ...(param !== undefined ? { param } : {}), doc_url: DOC_URL } };
}

/** Thrown by handlers; turned into a HeyGen-shaped response by the router. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly param?: string,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}

	static invalid(param: string, message: string): ApiError {
		return new ApiError(400, 'invalid_parameter', message, param);
	}

	static notFound(message: string): ApiError {
		return new ApiError(404, 'not_found', message);
	}

	body(): ErrorBody {
		return errorBody(this.code, this.message, this.param);
	}
}
