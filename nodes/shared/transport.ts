import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type IWebhookFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { authenticationOf, credentialTypeOf } from './authentication';

/**
 * The one door to HeyGen's API: authentication, the v3 `{data}` envelope, cursor pagination,
 * retries and error translation live here and nowhere else.
 */

export type HeyGenContext =
	| IExecuteFunctions
	| IHookFunctions
	| ILoadOptionsFunctions
	| IWebhookFunctions;

export const DEFAULT_BASE_URL = 'https://api.heygen.com';
export const MAX_PAGE_SIZE = 100;
const MAX_ATTEMPTS = 4;
/** 1,000 pages of 100: far beyond any real account, short of an endless cursor. */
const MAX_PAGES = 1000;
const MAX_RETRY_AFTER_SECONDS = 30;
const BACKOFF_BASE_MS = 500;

export interface HeyGenRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL, e.g. `/v3/webhooks/endpoints`. */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	/** Sent as `Idempotency-Key`; it also makes a POST safe to retry. */
	idempotencyKey?: string;
	itemIndex?: number;
	/** At most this many sends (default 4); 1 inside a webhook, which HeyGen gives 10 s. */
	attempts?: number;
	timeoutMs?: number;
}

export interface HeyGenPage<T> {
	data: T;
	hasMore: boolean;
	nextToken: string | null;
}

interface HeyGenErrorBody {
	code?: string;
	message?: string;
	param?: string;
	doc_url?: string;
}

interface RawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

const OAUTH2_401_HINT =
	'HeyGen did not accept the OAuth2 access token, even after n8n refreshed it. Reconnect the "HeyGen OAuth2 API" credential (and check its Base URL).';

const HINTS: Record<number, string> = {
	400: 'HeyGen rejected the request parameters.',
	401: 'HeyGen did not accept the API key. Check the API key (and Base URL) in the "HeyGen API" credential.',
	402: 'Your HeyGen plan or credits do not allow this call.',
	403: 'The API key is valid but not allowed to do this. Check the key\'s permissions in HeyGen.',
	404: 'HeyGen has no such resource. It may have been deleted already.',
	409: 'HeyGen is still processing a request with the same idempotency key. Try again shortly.',
	429: 'HeyGen is rate limiting this API key. Wait a moment, or lower how often the workflow calls HeyGen.',
};

/** An error HeyGen answered with, kept in HeyGen's words. */
export class HeyGenApiError extends NodeApiError {
	heyGenCode?: string;
	heyGenParam?: string;
	statusCode: number;
	/** A 429's `Retry-After`, in seconds. */
	retryAfterSeconds?: number;

	constructor(
		context: HeyGenContext,
		statusCode: number,
		error: HeyGenErrorBody,
		itemIndex?: number,
		/** Replaces the hint for the status code. */
		hintOverride?: string,
	) {
		const message =
			error.message ?? (statusCode >= 500 ? 'HeyGen had an internal error' : `HeyGen answered ${statusCode}`);
		const hint = HINTS[statusCode] ?? (statusCode >= 500 ? 'HeyGen had a problem on its side. Try again later.' : undefined);
		const details = [
			error.code ? `HeyGen error code: ${error.code}` : undefined,
			error.param ? `parameter: ${error.param}` : undefined,
		]
			.filter(Boolean)
			.join(', ');
		super(context.getNode(), { ...error, statusCode } as JsonObject, {
			message,
			description: [hintOverride ?? hint, details].filter(Boolean).join(' '),
			httpCode: String(statusCode),
			itemIndex,
		});
		// NodeApiError may pick its own text from the body; HeyGen's own message is what we show.
		this.message = message;
		this.heyGenCode = error.code;
		this.heyGenParam = error.param;
		this.statusCode = statusCode;
	}
}

/** Errors from the client are already n8n errors; anything else is wrapped without its internals. */
export function asNodeError(context: HeyGenContext, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(context.getNode(), (error as Error).message ?? String(error));
}

export async function getBaseUrl(this: HeyGenContext): Promise<string> {
	const credentials = await this.getCredentials(credentialTypeOf(this));
	return normaliseBaseUrl(credentials.baseUrl);
}

/** The credential's Base URL as requests use it: the default when empty, no trailing slash. */
export function normaliseBaseUrl(value: unknown): string {
	const baseUrl = (typeof value === 'string' ? value.trim() : '') || DEFAULT_BASE_URL;
	return baseUrl.replace(/\/+$/, '');
}

function isRetrySafe(request: HeyGenRequest): boolean {
	return request.method === 'GET' || request.method === 'DELETE' || request.idempotencyKey !== undefined;
}

/** `Retry-After` in seconds, within 0–30; 1 when absent or not a number. */
function retryAfterSeconds(headers: RawResponse['headers']): number {
	const value = headers['retry-after'];
	const seconds = Number(Array.isArray(value) ? value[0] : value);
	if (!Number.isFinite(seconds) || seconds < 0) return 1;
	return Math.min(seconds, MAX_RETRY_AFTER_SECONDS);
}

function errorBodyOf(body: unknown): HeyGenErrorBody | undefined {
	if (body === null || typeof body !== 'object') return undefined;
	const error = (body as { error?: unknown }).error;
	if (error === null || error === undefined) return undefined;
	if (typeof error === 'string') return { message: error };
	return error as HeyGenErrorBody;
}

/** Network failures carry the request (with the API key header) inside; keep only safe words. */
function networkError(this: HeyGenContext, error: Error & { code?: string }, itemIndex?: number) {
	const message = `Could not reach HeyGen: ${error.message}`;
	const nodeError = new NodeApiError(
		this.getNode(),
		{ message: error.message, code: error.code ?? 'NETWORK_ERROR' } as JsonObject,
		{
			message,
			description: 'Check the Base URL in the "HeyGen API" credential and that n8n can reach it.',
			itemIndex,
		},
	);
	// NodeApiError swaps in its own text for ECONNREFUSED and friends; ours names HeyGen.
	nodeError.message = message;
	return nodeError;
}

/**
 * The HTTP answer inside an error n8n threw. With an OAuth2 credential a 401 must reach n8n as an
 * error (it refreshes the token and retries only then), so HTTP errors arrive thrown, wrapped in
 * n8n's NodeApiError with axios's error as the cause.
 */
function responseInside(error: unknown): RawResponse | undefined {
	const candidates = [(error as { cause?: unknown })?.cause, error];
	for (const candidate of candidates) {
		const response = (candidate as { response?: { status?: unknown; headers?: unknown; data?: unknown } } | undefined)
			?.response;
		if (response && typeof response.status === 'number') {
			return {
				statusCode: response.status,
				headers: (response.headers ?? {}) as RawResponse['headers'],
				body: response.data,
			};
		}
	}
	return undefined;
}

/**
 * Sends once through n8n's authentication. API key: every status comes back as a response. OAuth2:
 * n8n's requestOAuth2 refreshes on a thrown 401 and retries once; other HTTP errors are unwrapped
 * here into responses, so both credentials share the retry and error handling below.
 */
async function send(
	this: HeyGenContext,
	credentialType: string,
	oAuth2: boolean,
	options: IHttpRequestOptions,
): Promise<RawResponse | { unreachable: Error }> {
	try {
		return (await this.helpers.httpRequestWithAuthentication.call(
			this,
			credentialType,
			oAuth2 ? { ...options, ignoreHttpStatusErrors: false } : options,
		)) as RawResponse;
	} catch (error) {
		if (!oAuth2) return { unreachable: error as Error };
		const response = responseInside(error);
		if (response) return response;
		const cause = (error as { cause?: { code?: unknown } }).cause;
		const code = cause?.code ?? (error as { code?: unknown }).code;
		if (typeof code === 'string' && /^E[A-Z]+/.test(code)) return { unreachable: error as Error };
		// No HTTP answer and no network failure: n8n refused before sending (credential not
		// connected) or its refresh failed ("needs to be reconnected"); its words are clear.
		throw new NodeOperationError(this.getNode(), (error as Error).message, {
			description: 'Open the "HeyGen OAuth2 API" credential and connect it (Connect my account).',
		});
	}
}

/** One HeyGen call: returns the unwrapped page, or throws a `NodeApiError` in HeyGen's words. */
export async function heyGenApiRequest<T = IDataObject>(
	this: HeyGenContext,
	request: HeyGenRequest,
): Promise<HeyGenPage<T>> {
	const baseUrl = await getBaseUrl.call(this);
	const credentialType = credentialTypeOf(this);
	const oAuth2 = authenticationOf(this) === 'oAuth2';
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		body: request.body,
		json: true,
		headers: request.idempotencyKey ? { 'Idempotency-Key': request.idempotencyKey } : {},
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		...(request.timeoutMs ? { timeout: request.timeoutMs } : {}),
	};

	for (let attempt = 1; ; attempt++) {
		const lastAttempt = attempt >= (request.attempts ?? MAX_ATTEMPTS);
		const response = await send.call(this, credentialType, oAuth2, options);
		if ('unreachable' in response) {
			if (!lastAttempt && isRetrySafe(request)) {
				await sleep(BACKOFF_BASE_MS * 2 ** (attempt - 1));
				continue;
			}
			throw networkError.call(this, response.unreachable, request.itemIndex);
		}

		const { statusCode, body } = response;
		if (statusCode === 429 && !lastAttempt) {
			// HeyGen did not run a rate-limited call, so any method may be sent again.
			await sleep(retryAfterSeconds(response.headers) * 1000);
			continue;
		}
		if (statusCode >= 500 && !lastAttempt && isRetrySafe(request)) {
			await sleep(BACKOFF_BASE_MS * 2 ** (attempt - 1));
			continue;
		}

		const error = errorBodyOf(body);
		if (statusCode >= 400 || error !== undefined) {
			const hint = oAuth2 && statusCode === 401 ? OAUTH2_401_HINT : undefined;
			const apiError = new HeyGenApiError(this, statusCode, error ?? {}, request.itemIndex, hint);
			if (statusCode === 429) apiError.retryAfterSeconds = retryAfterSeconds(response.headers);
			throw apiError;
		}
		if (body === null || typeof body !== 'object' || !('data' in body)) {
			throw new NodeApiError(
				this.getNode(),
				{ statusCode } as JsonObject,
				{
					message: `HeyGen answered ${statusCode} without the expected {data} envelope`,
					description: 'Check that the Base URL in the "HeyGen API" credential points at HeyGen\'s API.',
					itemIndex: request.itemIndex,
				},
			);
		}
		const envelope = body as { data: T; has_more?: boolean; next_token?: string | null };
		return {
			data: envelope.data,
			hasMore: envelope.has_more === true,
			nextToken: envelope.next_token ?? null,
		};
	}
}

/**
 * Follows HeyGen's cursor (`has_more`/`next_token`) until `limit` items are collected, or all of
 * them when `limit` is undefined.
 */
export async function heyGenApiRequestAllItems<T = IDataObject>(
	this: HeyGenContext,
	request: Omit<HeyGenRequest, 'method'>,
	limit?: number,
	/** `event-types` documents no `limit` parameter: page through without sending one. */
	sendPageSize = true,
): Promise<T[]> {
	const items: T[] = [];
	const seenTokens = new Set<string>();
	let pages = 0;
	let token: string | null = null;
	do {
		const remaining = limit === undefined ? MAX_PAGE_SIZE : limit - items.length;
		const qs: IDataObject = { ...request.qs };
		if (sendPageSize) qs.limit = Math.min(MAX_PAGE_SIZE, Math.max(1, remaining));
		if (token) qs.token = token;
		const page: HeyGenPage<T[] | null> = await heyGenApiRequest.call<
			HeyGenContext,
			[HeyGenRequest],
			Promise<HeyGenPage<T[] | null>>
		>(this, { ...request, method: 'GET', qs });
		items.push(...(page.data ?? []));
		pages++;
		// A cursor that repeats, or never ends, would loop forever: stop instead.
		token =
			page.hasMore && page.nextToken && !seenTokens.has(page.nextToken) && pages < MAX_PAGES
				? page.nextToken
				: null;
		if (token) seenTokens.add(token);
	} while (token !== null && (limit === undefined || items.length < limit));
	return limit === undefined ? items : items.slice(0, limit);
}
