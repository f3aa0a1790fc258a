import { NodeApiError, NodeOperationError, sleep, type IHttpRequestOptions, type INode } from 'n8n-workflow';

import { HEYGEN_CREDENTIAL_TYPE } from '../../../credentials/HeyGenWebhooksApi.credentials';
import {
	asNodeError,
	DEFAULT_BASE_URL,
	getBaseUrl,
	HeyGenApiError,
	heyGenApiRequest,
	heyGenApiRequestAllItems,
	MAX_PAGE_SIZE,
	type HeyGenContext,
	type HeyGenRequest,
} from '../../../nodes/shared/transport';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => {}),
}));

const sleepMock = sleep as jest.MockedFunction<typeof sleep>;

const API_KEY = 'sk_live_TOPSECRET_0123456789abcdef';
const BASE = 'http://heygen.test';

const NODE: INode = {
	id: 'n1',
	name: 'HeyGen',
	type: 'n8n-nodes-heygen-webhooks.heyGen',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

interface Reply {
	statusCode: number;
	headers?: Record<string, string | string[]>;
	body?: unknown;
}
type Step = Reply | Error;

/** What each call looked like at the moment it was made (options may be reused across attempts). */
interface Sent {
	credentialType: string;
	options: IHttpRequestOptions;
}

function fakeContext(steps: Step[] | ((options: IHttpRequestOptions, index: number) => Step), baseUrl: string = BASE) {
	const sent: Sent[] = [];
	const httpRequestWithAuthentication = jest.fn(async (credentialType: string, options: IHttpRequestOptions) => {
		// n8n adds the key from the credential; record a deep copy so later mutation cannot hide anything.
		const snapshot = JSON.parse(JSON.stringify({ ...options, headers: { ...options.headers, 'X-Api-Key': API_KEY } }));
		sent.push({ credentialType, options: snapshot });
		const index = sent.length - 1;
		const step = typeof steps === 'function' ? steps(snapshot, index) : steps[index];
		if (step === undefined) throw new Error(`unexpected call #${index + 1}`);
		if (step instanceof Error) throw step;
		return { headers: {}, body: undefined, ...step };
	});
	const context = {
		getNode: () => NODE,
		getCredentials: jest.fn(async () => ({ apiKey: API_KEY, baseUrl })),
		helpers: { httpRequestWithAuthentication },
	} as unknown as HeyGenContext;
	return { context, sent, httpRequestWithAuthentication };
}

const ok = (data: unknown, extra: Record<string, unknown> = {}): Reply => ({ statusCode: 200, body: { data, ...extra } });
const fail = (statusCode: number, error: Record<string, unknown> = {}, headers: Record<string, string> = {}): Reply => ({
	statusCode,
	headers,
	body: { error: { code: 'some_code', message: `HeyGen says ${statusCode}`, ...error } },
});

/** A network failure the way axios reports it: the request config, API key included, inside. */
function networkFailure(message = 'connect ECONNREFUSED 127.0.0.1:9', code: string | null = 'ECONNREFUSED'): Error {
	const error = new Error(message) as Error & Record<string, unknown>;
	if (code) error.code = code;
	error.config = { url: `${BASE}/v3/webhooks/endpoints`, headers: { 'X-Api-Key': API_KEY } };
	error.request = { _header: `GET /v3/webhooks/endpoints HTTP/1.1\r\nX-Api-Key: ${API_KEY}\r\n` };
	return error;
}

async function request(steps: Parameters<typeof fakeContext>[0], req: Partial<HeyGenRequest> = {}) {
	const fake = fakeContext(steps);
	const outcome = await heyGenApiRequest
		.call(fake.context, { method: 'GET', path: '/v3/webhooks/endpoints', ...req })
		.then(
			(page) => ({ page, error: undefined }),
			(error: unknown) => ({ page: undefined, error: error as NodeApiError }),
		);
	return { ...fake, ...outcome };
}

/** Every string n8n might show or store for an error. */
function everythingAbout(error: NodeApiError | NodeOperationError): string {
	const seen = new WeakSet<object>();
	const safe = JSON.stringify(error, (_key, value: unknown) => {
		if (typeof value === 'object' && value !== null) {
			if (seen.has(value)) return '[circular]';
			seen.add(value);
		}
		return value;
	});
	return [safe, error.message, error.description, error.stack, String(error), JSON.stringify(error.context), JSON.stringify(error.messages)].join('\n');
}

beforeEach(() => sleepMock.mockClear());

describe('heyGenApiRequest: request and envelope', () => {
	it('sends an authenticated JSON request to base URL + path, with full responses and no status throwing', async () => {
		const { sent, page } = await request([ok({ id: 1 })], { qs: { limit: 5 }, body: { a: 1 } });
		expect(page).toEqual({ data: { id: 1 }, hasMore: false, nextToken: null });
		expect(sent).toHaveLength(1);
		expect(sent[0].credentialType).toBe(HEYGEN_CREDENTIAL_TYPE);
		expect(sent[0].options).toMatchObject({
			method: 'GET',
			url: `${BASE}/v3/webhooks/endpoints`,
			qs: { limit: 5 },
			body: { a: 1 },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		});
		// The node never puts the key in the request itself: n8n's authentication adds it.
		const fake = fakeContext([ok({})]);
		await heyGenApiRequest.call(fake.context, { method: 'GET', path: '/x' });
		const raw = fake.httpRequestWithAuthentication.mock.calls[0][1];
		expect(JSON.stringify(raw)).not.toContain(API_KEY);
	});

	it('unwraps a list page with has_more / next_token', async () => {
		const { page } = await request([ok([{ a: 1 }], { has_more: true, next_token: 'tok_2' })]);
		expect(page).toEqual({ data: [{ a: 1 }], hasMore: true, nextToken: 'tok_2' });
	});

	it('treats has_more other than true as false, and keeps a null data', async () => {
		expect((await request([ok([], { has_more: 'yes', next_token: null })])).page).toEqual({ data: [], hasMore: false, nextToken: null });
		expect((await request([ok(null)])).page).toEqual({ data: null, hasMore: false, nextToken: null });
	});

	it('accepts {data: {}, error: null} (the DELETE answer)', async () => {
		const { page } = await request([{ statusCode: 200, body: { data: {}, error: null } }], { method: 'DELETE', path: '/v3/webhooks/endpoints/ep_1' });
		expect(page?.data).toEqual({});
	});

	it('sends Idempotency-Key only when one is given', async () => {
		const withKey = await request([ok({})], { method: 'POST', idempotencyKey: 'idem-1' });
		expect(withKey.sent[0].options.headers).toMatchObject({ 'Idempotency-Key': 'idem-1' });
		const without = await request([ok({})], { method: 'POST' });
		expect(Object.keys(without.sent[0].options.headers ?? {})).toEqual(['X-Api-Key']);
	});

	it.each([
		['http://sandbox.local:4010/', 'http://sandbox.local:4010/v3/x'],
		['http://sandbox.local:4010///', 'http://sandbox.local:4010/v3/x'],
		['  https://eu.heygen.example  ', 'https://eu.heygen.example/v3/x'],
		['', `${DEFAULT_BASE_URL}/v3/x`],
		['   ', `${DEFAULT_BASE_URL}/v3/x`],
	])('base URL %j → %s', async (baseUrl, url) => {
		const fake = fakeContext([ok({})], baseUrl);
		await heyGenApiRequest.call(fake.context, { method: 'GET', path: '/v3/x' });
		expect(fake.sent[0].options.url).toBe(url);
	});

	it('falls back to the default base URL when the credential has none', async () => {
		const fake = fakeContext([]);
		(fake.context.getCredentials as jest.Mock).mockResolvedValue({ apiKey: API_KEY });
		expect(await getBaseUrl.call(fake.context)).toBe('https://api.heygen.com');
	});
});

describe('heyGenApiRequest: errors in HeyGen’s words', () => {
	it('401: HeyGen’s message, a hint about the API key, code in the description', async () => {
		const { error, sent } = await request([fail(401, { code: 'unauthorized', message: 'Invalid API key provided' })]);
		expect(sent).toHaveLength(1);
		expect(error).toBeInstanceOf(HeyGenApiError);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe('Invalid API key provided');
		expect(error?.description).toContain('Check the API key');
		expect(error?.description).toContain('HeyGen error code: unauthorized');
		expect(error?.httpCode).toBe('401');
		expect((error as HeyGenApiError).statusCode).toBe(401);
		expect((error as HeyGenApiError).heyGenCode).toBe('unauthorized');
	});

	it('400: code and param in the description', async () => {
		const { error } = await request([fail(400, { code: 'invalid_parameter', message: 'url must be HTTPS', param: 'url' })], {
			method: 'POST',
		});
		expect(error?.message).toBe('url must be HTTPS');
		expect(error?.description).toContain('HeyGen error code: invalid_parameter');
		expect(error?.description).toContain('parameter: url');
		expect((error as HeyGenApiError).heyGenParam).toBe('url');
		expect(error?.httpCode).toBe('400');
	});

	it.each([
		[402, 'plan or credits'],
		[403, 'permissions'],
		[404, 'no such resource'],
		[409, 'idempotency key'],
	])('%s carries its hint and is not retried', async (status, hint) => {
		const { error, sent } = await request([fail(status)], { method: 'POST', idempotencyKey: 'k1' });
		expect(sent).toHaveLength(1);
		expect(error?.message).toBe(`HeyGen says ${status}`);
		expect(error?.description).toContain(hint);
		expect(sleepMock).not.toHaveBeenCalled();
	});

	it('an error without a message gets a generic one with the status', async () => {
		const { error } = await request([{ statusCode: 404, body: {} }]);
		expect(error?.message).toBe('HeyGen answered 404');
		expect((error as HeyGenApiError).statusCode).toBe(404);
	});

	it('a plain-string error body becomes the message', async () => {
		const { error } = await request([{ statusCode: 400, body: { error: 'bad things' } }]);
		expect(error?.message).toBe('bad things');
	});

	it('a 5xx without a message says HeyGen had an internal error and suggests trying later', async () => {
		const { error, sent } = await request([{ statusCode: 500, body: 'Internal Server Error' }], { method: 'PATCH' });
		expect(sent).toHaveLength(1);
		expect(error).toBeInstanceOf(HeyGenApiError);
		expect(error?.message).toBe('HeyGen had an internal error');
		expect(error?.description).toContain('Try again later');
	});

	it('a 200 with a non-null error body is an error', async () => {
		const { error } = await request([{ statusCode: 200, body: { data: null, error: { code: 'quota', message: 'Quota exceeded' } } }]);
		expect(error).toBeInstanceOf(HeyGenApiError);
		expect(error?.message).toBe('Quota exceeded');
		expect(error?.description).toContain('HeyGen error code: quota');
	});

	it.each([
		['an object without data', { ok: true }],
		['an HTML page', '<html>Bad gateway</html>'],
		['null', null],
		['an empty string', ''],
		['an array', [1, 2]],
	])('a 200 whose body is %s is an error (not HeyGen’s API)', async (_name, body) => {
		const { error } = await request([{ statusCode: 200, body }]);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toContain('without the expected {data} envelope');
		expect(error?.description).toContain('Base URL');
	});

	it('passes the item index on', async () => {
		const { error } = await request([fail(400)], { itemIndex: 3 });
		expect(error?.context.itemIndex).toBe(3);
	});

	it('never leaks the API key: HeyGen errors', async () => {
		for (const status of [400, 401, 403, 404, 429, 500]) {
			const { error } = await request(
				Array.from({ length: 4 }, () => fail(status, { code: 'c', message: 'm', param: 'p', doc_url: 'https://docs' })),
			);
			expect(error).toBeDefined();
			expect(everythingAbout(error!)).not.toContain(API_KEY);
		}
	});

	it('never leaks the API key: network errors whose config holds the key header', async () => {
		const { error, sent } = await request(Array.from({ length: 4 }, () => networkFailure()));
		expect(sent).toHaveLength(4);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error).not.toBeInstanceOf(HeyGenApiError);
		expect(error?.description).toContain('Base URL');
		// n8n maps well-known socket codes to its own wording; HeyGen's stays in `messages`.
		expect(error?.messages.join('\n')).toContain('Could not reach HeyGen: connect ECONNREFUSED 127.0.0.1:9');
		const text = everythingAbout(error!);
		expect(text).not.toContain(API_KEY);
		expect(text).not.toContain('X-Api-Key');
	});

	it('never leaks the API key: a wrapped n8n error whose cause holds the request', async () => {
		const wrapped = new NodeApiError(NODE, networkFailure('socket hang up') as never);
		const { error } = await request([wrapped], { method: 'POST' });
		expect(error).toBeDefined();
		expect(everythingAbout(error!)).not.toContain(API_KEY);
	});

	it('never leaks the API key: the envelope error', async () => {
		const { error } = await request([{ statusCode: 200, body: '<html>login</html>' }]);
		expect(everythingAbout(error!)).not.toContain(API_KEY);
	});
});

describe('heyGenApiRequest: retries', () => {
	describe('429', () => {
		it.each(['GET', 'DELETE', 'POST', 'PATCH'] as const)('%s is retried after Retry-After', async (method) => {
			const { page, sent } = await request([fail(429, {}, { 'retry-after': '2' }), ok({ done: true })], { method });
			expect(page?.data).toEqual({ done: true });
			expect(sent).toHaveLength(2);
			expect(sleepMock).toHaveBeenCalledTimes(1);
			expect(sleepMock).toHaveBeenCalledWith(2000);
		});

		it.each([
			['missing', undefined, 1000],
			['zero', '0', 0],
			['huge (capped at 30 s)', '3600', 30_000],
			['an HTTP date', 'Wed, 21 Oct 2015 07:28:00 GMT', 1000],
			['negative', '-5', 1000],
			['fractional', '1.5', 1500],
		])('Retry-After %s → waits %s ms', async (_name, header, ms) => {
			await request([fail(429, {}, header === undefined ? {} : { 'retry-after': header }), ok({})]);
			expect(sleepMock).toHaveBeenCalledWith(ms);
		});

		it('reads an array-valued Retry-After', async () => {
			await request([{ statusCode: 429, headers: { 'retry-after': ['3'] }, body: {} }, ok({})]);
			expect(sleepMock).toHaveBeenCalledWith(3000);
		});

		it('gives up after 4 attempts with HeyGen’s 429 error', async () => {
			const { error, sent } = await request(
				Array.from({ length: 10 }, () => fail(429, { code: 'rate_limited', message: 'Too many requests' }, { 'retry-after': '1' })),
				{ method: 'POST' },
			);
			expect(sent).toHaveLength(4);
			expect(sleepMock).toHaveBeenCalledTimes(3);
			expect(error).toBeInstanceOf(HeyGenApiError);
			expect(error?.message).toBe('Too many requests');
			expect(error?.description).toContain('rate limiting');
			expect((error as HeyGenApiError).statusCode).toBe(429);
		});
	});

	describe('5xx', () => {
		it.each([500, 502, 503, 504])('GET is retried on %s with growing backoff, then succeeds', async (status) => {
			const { page, sent } = await request([fail(status), fail(status), ok({ fine: 1 })]);
			expect(page?.data).toEqual({ fine: 1 });
			expect(sent).toHaveLength(3);
			expect(sleepMock.mock.calls.map(([ms]) => ms)).toEqual([500, 1000]);
		});

		it('DELETE is retried', async () => {
			const { page, sent } = await request([fail(500), { statusCode: 200, body: { data: {}, error: null } }], {
				method: 'DELETE',
				path: '/v3/webhooks/endpoints/ep_1',
			});
			expect(page?.data).toEqual({});
			expect(sent).toHaveLength(2);
		});

		it('POST with an Idempotency-Key is retried with the same key every time', async () => {
			const { page, sent } = await request([fail(500), fail(503), fail(502), ok({ endpoint_id: 'ep' })], {
				method: 'POST',
				idempotencyKey: 'idem-42',
				body: { url: 'https://x' },
			});
			expect(page?.data).toEqual({ endpoint_id: 'ep' });
			expect(sent).toHaveLength(4);
			for (const call of sent) {
				expect(call.options.headers).toMatchObject({ 'Idempotency-Key': 'idem-42' });
				expect(call.options.body).toEqual({ url: 'https://x' });
			}
		});

		it('POST without an Idempotency-Key is not retried', async () => {
			const { error, sent } = await request([fail(500), ok({})], { method: 'POST' });
			expect(sent).toHaveLength(1);
			expect(sleepMock).not.toHaveBeenCalled();
			expect((error as HeyGenApiError).statusCode).toBe(500);
		});

		it('PATCH is not retried', async () => {
			const { error, sent } = await request([fail(502), ok({})], { method: 'PATCH', path: '/v3/webhooks/endpoints/ep_1' });
			expect(sent).toHaveLength(1);
			expect((error as HeyGenApiError).statusCode).toBe(502);
		});

		it('gives up after 4 attempts with the last error', async () => {
			const { error, sent } = await request([fail(500), fail(500), fail(500), fail(503, { message: 'Service down' }), ok({})]);
			expect(sent).toHaveLength(4);
			expect(sleepMock).toHaveBeenCalledTimes(3);
			expect(error?.message).toBe('Service down');
			expect((error as HeyGenApiError).statusCode).toBe(503);
		});

		it('mixed 429 and 5xx still stop at 4 attempts in total', async () => {
			const { sent, error } = await request([fail(429), fail(500), fail(429), fail(500), ok({})]);
			expect(sent).toHaveLength(4);
			expect((error as HeyGenApiError).statusCode).toBe(500);
		});
	});

	describe('network errors', () => {
		it.each([
			['GET', {}],
			['DELETE', {}],
			['POST', { idempotencyKey: 'idem-1' }],
		] as const)('%s is retried when safe', async (method, extra) => {
			const { page, sent } = await request([networkFailure(), networkFailure(), ok({ ok: 1 })], { method, ...extra });
			expect(page?.data).toEqual({ ok: 1 });
			expect(sent).toHaveLength(3);
			expect(sleepMock.mock.calls.map(([ms]) => ms)).toEqual([500, 1000]);
		});

		it.each(['POST', 'PATCH'] as const)('%s without an Idempotency-Key is not retried', async (method) => {
			const { error, sent } = await request([networkFailure('socket hang up', null), ok({})], { method });
			expect(sent).toHaveLength(1);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error?.message).toBe('Could not reach HeyGen: socket hang up');
			expect(error?.description).toContain('Base URL');
			expect(sleepMock).not.toHaveBeenCalled();
		});

		it('names HeyGen and the socket error for well-known socket codes', async () => {
			const { error } = await request([networkFailure('getaddrinfo ENOTFOUND api.heygen.example', 'ENOTFOUND')], { method: 'POST' });
			expect(error?.message).toBe('Could not reach HeyGen: getaddrinfo ENOTFOUND api.heygen.example');
			expect(error?.description).toContain('Base URL');
		});

		// NodeApiError's constructor replaces the message for ECONNREFUSED and friends; the client
		// sets it back so the user reads "Could not reach HeyGen: …".
		it('says "Could not reach HeyGen" for a refused connection', async () => {
			const { error } = await request([networkFailure()], { method: 'POST' });
			expect(error?.message).toMatch(/^Could not reach HeyGen/);
		});

		it('gives up after 4 attempts', async () => {
			const { error, sent } = await request(Array.from({ length: 6 }, () => networkFailure('read timeout', null)));
			expect(sent).toHaveLength(4);
			expect(error?.message).toBe('Could not reach HeyGen: read timeout');
		});
	});
});

describe('heyGenApiRequestAllItems: cursor pagination', () => {
	/** A server with `total` items that honours limit (capped by `serverMax`) and issues tokens. */
	function pagedServer(total: number, serverMax = 100) {
		const items = Array.from({ length: total }, (_, i) => ({ n: i }));
		return (options: IHttpRequestOptions): Reply => {
			const qs = (options.qs ?? {}) as Record<string, unknown>;
			const limit = qs.limit === undefined ? 10 : Number(qs.limit);
			if (limit < 1 || limit > 100) return fail(400, { code: 'invalid_parameter', param: 'limit' });
			const start = qs.token === undefined ? 0 : Number(String(qs.token).slice(4));
			const end = Math.min(start + Math.min(limit, serverMax), total);
			const hasMore = end < total;
			return ok(items.slice(start, end), { has_more: hasMore, next_token: hasMore ? `tok_${end}` : null });
		};
	}

	const all = async (steps: Parameters<typeof fakeContext>[0], limit?: number, qs?: Record<string, string>, sendPageSize?: boolean) => {
		const fake = fakeContext(steps);
		const items = await heyGenApiRequestAllItems.call(fake.context, { path: '/v3/webhooks/events', qs }, limit, sendPageSize);
		return { items, sent: fake.sent, qs: fake.sent.map((call) => call.options.qs as Record<string, unknown>) };
	};

	it('follows next_token until has_more is false, sending the page size and the filters each time', async () => {
		const { items, qs, sent } = await all(pagedServer(250), undefined, { event_type: 'avatar_video.success' });
		expect(items).toHaveLength(250);
		expect(items.map((item) => (item as { n: number }).n)).toEqual(Array.from({ length: 250 }, (_, i) => i));
		expect(qs).toEqual([
			{ event_type: 'avatar_video.success', limit: 100 },
			{ event_type: 'avatar_video.success', limit: 100, token: 'tok_100' },
			{ event_type: 'avatar_video.success', limit: 100, token: 'tok_200' },
		]);
		expect(sent.every((call) => call.options.method === 'GET')).toBe(true);
		expect(MAX_PAGE_SIZE).toBe(100);
	});

	it('stops at the limit, asking only for what is still needed', async () => {
		const { items, qs } = await all(pagedServer(1000), 250);
		expect(items).toHaveLength(250);
		expect(qs.map((q) => q.limit)).toEqual([100, 100, 50]);
	});

	it('a small limit needs one request', async () => {
		const { items, qs } = await all(pagedServer(1000), 5);
		expect(items).toHaveLength(5);
		expect(qs).toEqual([{ limit: 5 }]);
	});

	it('never sends limit > 100, even for huge limits', async () => {
		const { items, qs } = await all(pagedServer(450), 100_000);
		expect(items).toHaveLength(450);
		expect(qs.every((q) => Number(q.limit) >= 1 && Number(q.limit) <= 100)).toBe(true);
	});

	it('keeps paging when the server returns smaller pages than asked, and trims to the limit', async () => {
		const { items, qs } = await all(pagedServer(1000, 7), 20);
		expect(items).toHaveLength(20);
		expect(qs.map((q) => q.limit)).toEqual([20, 13, 6]);
	});

	it('limit 0 returns nothing', async () => {
		const { items } = await all(pagedServer(10), 0);
		expect(items).toEqual([]);
	});

	it('stops on a token it has already followed (no endless loop)', async () => {
		const { items, sent } = await all([
			ok([{ n: 1 }], { has_more: true, next_token: 'A' }),
			ok([{ n: 2 }], { has_more: true, next_token: 'A' }),
			ok([{ n: 3 }], { has_more: false, next_token: null }),
		]);
		expect(sent).toHaveLength(2);
		expect(items).toEqual([{ n: 1 }, { n: 2 }]);
	});

	it('stops on a cycle of tokens A → B → A', async () => {
		const { sent } = await all([
			ok([1], { has_more: true, next_token: 'A' }),
			ok([2], { has_more: true, next_token: 'B' }),
			ok([3], { has_more: true, next_token: 'A' }),
			ok([4], { has_more: false }),
		]);
		expect(sent).toHaveLength(3);
	});

	it('stops when has_more is false even with a token, or true without one', async () => {
		expect((await all([ok([1], { has_more: false, next_token: 'X' }), ok([2])])).sent).toHaveLength(1);
		expect((await all([ok([1], { has_more: true, next_token: null }), ok([2])])).sent).toHaveLength(1);
		expect((await all([ok([1], { has_more: true, next_token: '' }), ok([2])])).sent).toHaveLength(1);
	});

	it('treats data: null as an empty page', async () => {
		expect((await all([ok(null, { has_more: false })])).items).toEqual([]);
	});

	it('sends no limit when asked not to (event-types)', async () => {
		const { qs, items } = await all(
			[ok([{ event_type: 'a' }], { has_more: true, next_token: 't2' }), ok([{ event_type: 'b' }], { has_more: false })],
			undefined,
			undefined,
			false,
		);
		expect(items).toHaveLength(2);
		expect(qs).toEqual([{}, { token: 't2' }]);
	});

	it('does not modify the caller’s qs', async () => {
		const callerQs = { event_type: 'x' };
		await all(pagedServer(150), undefined, callerQs);
		expect(callerQs).toEqual({ event_type: 'x' });
	});

	it('retries a page that got a 429 and carries on', async () => {
		const server = pagedServer(150);
		let first429 = true;
		const { items, sent } = await all((options) => {
			if ((options.qs as Record<string, unknown>)?.token === 'tok_100' && first429) {
				first429 = false;
				return fail(429, {}, { 'retry-after': '1' });
			}
			return server(options);
		});
		expect(items).toHaveLength(150);
		expect(sent).toHaveLength(3);
		expect(sleepMock).toHaveBeenCalledWith(1000);
	});

	it('an error on a later page propagates', async () => {
		const fake = fakeContext([ok([1], { has_more: true, next_token: 'A' }), fail(400, { code: 'invalid_parameter', param: 'token', message: 'Invalid token' })]);
		await expect(heyGenApiRequestAllItems.call(fake.context, { path: '/v3/webhooks/events' })).rejects.toMatchObject({
			message: 'Invalid token',
			heyGenParam: 'token',
		});
	});
});

describe('asNodeError', () => {
	it('passes n8n errors through and wraps anything else without its internals', () => {
		const { context } = fakeContext([]);
		const apiError = new NodeApiError(NODE, { message: 'x' });
		expect(asNodeError(context, apiError)).toBe(apiError);
		const opError = new NodeOperationError(NODE, 'y');
		expect(asNodeError(context, opError)).toBe(opError);
		const wrapped = asNodeError(context, networkFailure('boom'));
		expect(wrapped).toBeInstanceOf(NodeOperationError);
		expect(wrapped.message).toBe('boom');
		expect(everythingAbout(wrapped)).not.toContain(API_KEY);
	});
});
