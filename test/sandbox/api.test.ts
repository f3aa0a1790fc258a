// HeyGen v3 webhook-management API as simulated by the sandbox.
import { HeyGenSandbox, type EndpointRecord, type EventTypeInfo } from '../../dev/heygen-sandbox/server';
import { heygen, type EitherBody, type Envelope, type ErrorEnvelope } from '../support/heygenClient';
import { startReceiver, type Receiver } from '../support/receiver';

const ENDPOINTS = '/v3/webhooks/endpoints';

describe('HeyGen sandbox: v3 API', () => {
	let sandbox: HeyGenSandbox;
	let receiver: Receiver;

	beforeAll(async () => {
		sandbox = await HeyGenSandbox.start({ apiKeys: ['key-a', 'key-b'], retryScheduleMs: [] });
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await sandbox.stop();
		await receiver.close();
	});
	beforeEach(() => sandbox.reset());

	const api = (key: string | null = 'key-a') => heygen(sandbox.url, key);
	const create = (body: Record<string, unknown>, key = 'key-a', headers: Record<string, string> = {}) =>
		api(key).post<EitherBody<EndpointRecord>>(ENDPOINTS, body, { headers });

	describe('auth', () => {
		it('answers 401 with a HeyGen error body for a missing or unknown key', async () => {
			for (const key of [null, 'nope']) {
				const res = await api(key).get(ENDPOINTS);
				expect(res.status).toBe(401);
				expect(res.data).toEqual({
					error: { code: 'unauthorized', message: 'Invalid API key', doc_url: 'https://docs.heygen.com/reference/errors' },
				});
			}
		});

		it('accepts Authorization: Bearer', async () => {
			const res = await heygen(sandbox.url, null).get('/v3/users/me', { headers: { Authorization: 'Bearer key-b' } });
			expect(res.status).toBe(200);
			expect(res.data.error).toBeNull();
			expect(Object.keys(res.data.data).sort()).toEqual(['email', 'first_name', 'last_name', 'username']);
		});

		it('keeps accounts separate, and never logs the key', async () => {
			const a = await create({ url: receiver.url });
			expect(a.status).toBe(200);
			const listA = await api('key-a').get<Envelope<EndpointRecord[]>>(ENDPOINTS);
			const listB = await api('key-b').get<Envelope<EndpointRecord[]>>(ENDPOINTS);
			expect(listA.data.data.map((e) => e.endpoint_id)).toEqual([a.data.data.endpoint_id]);
			expect(listB.data.data).toEqual([]);
			const patch = await api('key-b').patch(`${ENDPOINTS}/${a.data.data.endpoint_id}`, { events: null });
			expect(patch.status).toBe(404);
			const me = await api('key-b').get('/v3/users/me');
			expect(me.data.data.username).not.toEqual((await api('key-a').get('/v3/users/me')).data.data.username);
			expect(JSON.stringify(sandbox.calls())).not.toMatch(/key-a|key-b/);
			expect(sandbox.calls({ method: 'POST', path: ENDPOINTS })[0].account).toBe('account_1');
		});

		it('adds accounts at run time', async () => {
			expect((await api('key-c').get('/v3/users/me')).status).toBe(401);
			sandbox.addAccount('key-c');
			expect((await api('key-c').get('/v3/users/me')).status).toBe(200);
		});
	});

	describe('endpoints CRUD', () => {
		it('creates an endpoint with a secret, and lists it with secret null', async () => {
			const res = await create({ url: receiver.url, events: ['avatar_video.success'], entity_id: 'ent_1' });
			expect(res.status).toBe(200);
			expect(res.data.error).toBeNull();
			const ep = res.data.data;
			expect(ep.endpoint_id).toMatch(/^ep_[0-9a-f]{32}$/);
			expect(ep.secret).toMatch(/^whsec_.+/);
			expect(ep).toMatchObject({ url: receiver.url, events: ['avatar_video.success'], entity_id: 'ent_1', status: 'enabled' });
			expect(new Date(ep.created_at).toISOString()).toBe(ep.created_at);

			const list = await api().get<Envelope<EndpointRecord[]>>(ENDPOINTS);
			expect(list.data).toEqual({ data: [{ ...ep, secret: null }], has_more: false, next_token: null, error: null });
			// The test view keeps the secret.
			expect(sandbox.listEndpoints('key-a')[0].secret).toBe(ep.secret);
		});

		it('defaults events and entity_id to null (all events)', async () => {
			const res = await create({ url: receiver.url });
			expect(res.data.data.events).toBeNull();
			expect(res.data.data.entity_id).toBeNull();
			const explicitNull = await create({ url: receiver.url, events: null });
			expect(explicitNull.data.data.events).toBeNull();
		});

		it('PATCH replaces the events list and returns the endpoint without secret', async () => {
			const ep = (await create({ url: receiver.url, events: ['avatar_video.success', 'avatar_video.fail'] })).data.data;
			const res = await api().patch<Envelope<EndpointRecord>>(`${ENDPOINTS}/${ep.endpoint_id}`, {
				events: ['video_translate.success'],
			});
			expect(res.status).toBe(200);
			expect(res.data.data).toMatchObject({ endpoint_id: ep.endpoint_id, events: ['video_translate.success'], secret: null });
			const toAll = await api().patch<Envelope<EndpointRecord>>(`${ENDPOINTS}/${ep.endpoint_id}`, { events: null });
			expect(toAll.data.data.events).toBeNull();
			const untouched = await api().patch<Envelope<EndpointRecord>>(`${ENDPOINTS}/${ep.endpoint_id}`, {});
			expect(untouched.data.data.events).toBeNull();
			expect(untouched.data.data.url).toBe(receiver.url);
		});

		it('PATCH with a new url probes it', async () => {
			const ep = (await create({ url: receiver.url })).data.data;
			const other = await startReceiver();
			const probesBefore = sandbox.probes().length;
			const res = await api().patch<Envelope<EndpointRecord>>(`${ENDPOINTS}/${ep.endpoint_id}`, { url: other.url });
			expect(res.data.data.url).toBe(other.url);
			expect(sandbox.probes()).toHaveLength(probesBefore + 1);
			expect(other.requests.map((r) => r.method)).toEqual(['OPTIONS']);
			await other.close();
			const bad = await api().patch<ErrorEnvelope>(`${ENDPOINTS}/${ep.endpoint_id}`, { url: other.url });
			expect(bad.status).toBe(400);
			expect(bad.data.error.param).toBe('url');
			expect(sandbox.listEndpoints('key-a')[0].url).toBe(other.url);
		});

		it('DELETE removes, then 404s', async () => {
			const ep = (await create({ url: receiver.url })).data.data;
			const del = await api().delete(`${ENDPOINTS}/${ep.endpoint_id}`);
			expect(del.status).toBe(200);
			expect(del.data).toEqual({ data: {}, error: null });
			const again = await api().delete<ErrorEnvelope>(`${ENDPOINTS}/${ep.endpoint_id}`);
			expect(again.status).toBe(404);
			expect(again.data.error).toMatchObject({ code: 'not_found', message: `Webhook endpoint ${ep.endpoint_id} not found` });
			expect((await api().patch(`${ENDPOINTS}/ep_x`, {})).status).toBe(404);
			expect((await api().post(`${ENDPOINTS}/ep_x/rotate-secret`)).status).toBe(404);
		});

		it('rotate-secret returns a new secret that replaces the old one at once', async () => {
			const ep = (await create({ url: receiver.url })).data.data;
			const res = await api().post<Envelope<{ endpoint_id: string; secret: string }>>(
				`${ENDPOINTS}/${ep.endpoint_id}/rotate-secret`,
			);
			expect(res.status).toBe(200);
			expect(Object.keys(res.data.data).sort()).toEqual(['endpoint_id', 'secret']);
			expect(res.data.data.endpoint_id).toBe(ep.endpoint_id);
			expect(res.data.data.secret).toMatch(/^whsec_/);
			expect(res.data.data.secret).not.toBe(ep.secret);
			expect(sandbox.listEndpoints()[0].secret).toBe(res.data.data.secret);
		});
	});

	describe('pagination', () => {
		it('pages 25 endpoints by 10, oldest first, each id exactly once', async () => {
			const created: string[] = [];
			for (let i = 0; i < 25; i++) created.push((await create({ url: `${receiver.url}?n=${i}` })).data.data.endpoint_id);
			const seen: string[] = [];
			const pages: number[] = [];
			let token: string | null | undefined = undefined;
			do {
				const res: { data: Envelope<EndpointRecord[]> } = await api().get<Envelope<EndpointRecord[]>>(ENDPOINTS, {
					params: { limit: 10, token },
				});
				pages.push(res.data.data.length);
				expect(res.data.data.every((e) => e.secret === null)).toBe(true);
				seen.push(...res.data.data.map((e) => e.endpoint_id));
				expect(res.data.has_more).toBe(res.data.next_token !== null);
				token = res.data.next_token;
			} while (token);
			expect(pages).toEqual([10, 10, 5]);
			expect(seen).toEqual(created);
		});

		it('serves short pages under maxPageSize, whatever limit asks', async () => {
			const short = await HeyGenSandbox.start({ apiKeys: ['key-s'], retryScheduleMs: [], maxPageSize: 4 });
			try {
				for (let i = 0; i < 6; i++) {
					const res = await heygen(short.url, 'key-s').post(ENDPOINTS, { url: `${receiver.url}?s=${i}` });
					expect(res.status).toBe(200);
				}
				const first = await heygen(short.url, 'key-s').get<Envelope<EndpointRecord[]>>(ENDPOINTS, { params: { limit: 100 } });
				expect(first.data.data).toHaveLength(4);
				expect(first.data.has_more).toBe(true);
				const second = await heygen(short.url, 'key-s').get<Envelope<EndpointRecord[]>>(ENDPOINTS, {
					params: { limit: 100, token: first.data.next_token },
				});
				expect(second.data.data).toHaveLength(2);
				expect(second.data.has_more).toBe(false);
			} finally {
				await short.stop();
			}
		});

		it('defaults to 10 per page and is stable across deletions', async () => {
			const ids: string[] = [];
			for (let i = 0; i < 12; i++) ids.push((await create({ url: receiver.url })).data.data.endpoint_id);
			const first = await api().get<Envelope<EndpointRecord[]>>(ENDPOINTS);
			expect(first.data.data).toHaveLength(10);
			expect(first.data.has_more).toBe(true);
			await api().delete(`${ENDPOINTS}/${ids[0]}`);
			const second = await api().get<Envelope<EndpointRecord[]>>(ENDPOINTS, { params: { token: first.data.next_token } });
			expect(second.data.data.map((e) => e.endpoint_id)).toEqual(ids.slice(10));
			expect(second.data).toMatchObject({ has_more: false, next_token: null });
		});

		it('rejects a bad limit or an unknown token with 400', async () => {
			for (const limit of ['0', '101', 'abc', '-1', '2.5']) {
				const res = await api().get<ErrorEnvelope>(ENDPOINTS, { params: { limit } });
				expect(res.status).toBe(400);
				expect(res.data.error).toMatchObject({ code: 'invalid_parameter', param: 'limit' });
			}
			const res = await api().get<ErrorEnvelope>(ENDPOINTS, { params: { token: 'bogus' } });
			expect(res.status).toBe(400);
			expect(res.data.error.param).toBe('token');
		});

		it('does not accept one account\'s token for another', async () => {
			for (let i = 0; i < 3; i++) await create({ url: receiver.url });
			const page = await api().get<Envelope<EndpointRecord[]>>(ENDPOINTS, { params: { limit: 1 } });
			const res = await api('key-b').get(ENDPOINTS, { params: { token: page.data.next_token } });
			expect(res.status).toBe(400);
		});
	});

	describe('validation (400 with param)', () => {
		const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
			['missing url', {}, 'url', /url/],
			['relative url', { url: '/hook' }, 'url', /absolute/],
			['ftp url', { url: 'ftp://127.0.0.1/x' }, 'url', /absolute/],
			['plain http to a public host', { url: 'http://example.com/hook' }, 'url', /HTTPS/],
			['unknown event type', { url: 'http://127.0.0.1:1/x', events: ['avatar_video.success', 'nope.event'] }, 'events', /nope\.event/],
			['empty events', { url: 'http://127.0.0.1:1/x', events: [] }, 'events', /non-empty/],
			['events not an array', { url: 'http://127.0.0.1:1/x', events: 'avatar_video.success' }, 'events', /array/],
			['entity_id not a string', { url: 'http://127.0.0.1:1/x', entity_id: 5 }, 'entity_id', /entity_id/],
		];
		it.each(cases)('%s', async (_name, body, param, message) => {
			const res = await create(body);
			expect(res.status).toBe(400);
			expect(res.data.error).toMatchObject({ code: 'invalid_parameter', param, doc_url: expect.any(String) });
			expect(res.data.error.message).toMatch(message);
			// Invalid requests never reach the probe.
			expect(sandbox.probes()).toHaveLength(0);
		});

		it('rejects malformed JSON', async () => {
			const res = await api().post<ErrorEnvelope>(ENDPOINTS, '{"url": ', { headers: { 'Content-Type': 'application/json' } });
			expect(res.status).toBe(400);
			expect(res.data.error.code).toBe('invalid_parameter');
		});

		it('answers 404 for unknown routes', async () => {
			const res = await api().get<ErrorEnvelope>('/v3/webhooks/nothing');
			expect(res.status).toBe(404);
			expect(res.data.error.code).toBe('not_found');
			expect((await api().get(`${ENDPOINTS}/ep_1`)).status).toBe(404);
		});

		it('accepts loopback hosts over plain http', async () => {
			const port = new URL(receiver.url).port;
			expect((await create({ url: `http://127.0.0.1:${port}/hook` })).status).toBe(200);
			for (const host of ['localhost', '127.0.0.2', '[::1]']) {
				const res = await create({ url: `http://${host}:${port}/hook` });
				// Not refused for being http; the probe itself may fail if that address is not served.
				expect(res.status === 200 || /could not be validated/.test(res.data.error.message)).toBe(true);
			}
		});
	});

	describe('OPTIONS probe', () => {
		it('accepts a receiver that answers OPTIONS with 2xx', async () => {
			const res = await create({ url: receiver.url });
			expect(res.status).toBe(200);
			const probe = receiver.requests.filter((r) => r.method === 'OPTIONS').pop();
			expect(probe?.headers['user-agent']).toBe('HeyGen-Webhooks-Sandbox');
			expect(sandbox.probes()).toEqual([expect.objectContaining({ ok: true, status: 200 })]);
		});

		it('refuses a receiver that does not answer within 1 s', async () => {
			const slow = await startReceiver(() => 'hang');
			const started = Date.now();
			const res = await create({ url: slow.url });
			expect(res.status).toBe(400);
			expect(res.data.error.param).toBe('url');
			expect(res.data.error.message).toMatch(/could not be validated.*timed out after 1000 ms/);
			expect(Date.now() - started).toBeGreaterThanOrEqual(950);
			expect(sandbox.listEndpoints('key-a')).toHaveLength(0);
			await slow.close();
		});

		it('refuses non-2xx answers and connection errors', async () => {
			const refusing = await startReceiver(() => ({ status: 405 }));
			const res = await create({ url: refusing.url });
			expect(res.status).toBe(400);
			expect(res.data.error.message).toMatch(/HTTP 405/);
			await refusing.close();
			const dead = await create({ url: refusing.url });
			expect(dead.status).toBe(400);
			expect(dead.data.error.message).toMatch(/connection error/);
		});
	});

	describe('Idempotency-Key', () => {
		it('replays the first response and creates one endpoint', async () => {
			const headers = { 'Idempotency-Key': 'create-1' };
			const first = await create({ url: receiver.url }, 'key-a', headers);
			const second = await create({ url: receiver.url }, 'key-a', headers);
			expect(second.status).toBe(first.status);
			expect(second.data).toEqual(first.data);
			expect(second.headers['idempotent-replayed']).toBe('true');
			expect(sandbox.listEndpoints('key-a')).toHaveLength(1);
			expect(sandbox.probes()).toHaveLength(1);
			// Keys are per account.
			const other = await create({ url: receiver.url }, 'key-b', headers);
			expect(other.data.data.endpoint_id).not.toBe(first.data.data.endpoint_id);
		});

		it('answers 409 to a duplicate that arrives while the first is still probing', async () => {
			let release: () => void = () => undefined;
			const gate = new Promise<void>((resolve) => (release = resolve));
			const slow = await startReceiver(async (req) => {
				if (req.method === 'OPTIONS') await gate;
				return { status: 200 };
			});
			const headers = { 'Idempotency-Key': 'concurrent' };
			const first = create({ url: slow.url }, 'key-a', headers);
			await slow.waitFor(1, (r) => r.method === 'OPTIONS');
			const dup = await create({ url: slow.url }, 'key-a', headers);
			expect(dup.status).toBe(409);
			expect(dup.data.error.code).toBe('idempotency_conflict');
			release();
			expect((await first).status).toBe(200);
			expect(sandbox.listEndpoints('key-a')).toHaveLength(1);
			await slow.close();
		});

		it('does not store failures, and validates the key length', async () => {
			const headers = { 'Idempotency-Key': 'k' };
			expect((await create({ url: 'http://example.com/x' }, 'key-a', headers)).status).toBe(400);
			expect((await create({ url: receiver.url }, 'key-a', headers)).status).toBe(200);
			const long = await create({ url: receiver.url }, 'key-a', { 'Idempotency-Key': 'x'.repeat(256) });
			expect(long.status).toBe(400);
			expect(long.data.error.param).toBe('Idempotency-Key');
		});

		it('applies to rotate-secret', async () => {
			const ep = (await create({ url: receiver.url })).data.data;
			const path = `${ENDPOINTS}/${ep.endpoint_id}/rotate-secret`;
			const headers = { 'Idempotency-Key': 'rot-1' };
			const a = await api().post(path, undefined, { headers });
			const b = await api().post(path, undefined, { headers });
			expect(b.data).toEqual(a.data);
			expect(sandbox.listEndpoints()[0].secret).toBe(a.data.data.secret);
			const c = await api().post(path, undefined, { headers: { 'Idempotency-Key': 'rot-2' } });
			expect(c.data.data.secret).not.toBe(a.data.data.secret);
		});
	});

	describe('event types', () => {
		it('lists the full catalogue in one page by default', async () => {
			const res = await api().get<Envelope<EventTypeInfo[]>>('/v3/webhooks/event-types');
			expect(res.status).toBe(200);
			expect(res.data.has_more).toBe(false);
			expect(res.data.next_token).toBeNull();
			const types = res.data.data.map((t) => t.event_type);
			expect(types).toHaveLength(30);
			expect(types).toEqual(expect.arrayContaining(['avatar_video.success', 'personalized_video', 'batch.finished', 'video_translate.preflight.download_failed']));
			expect(res.data.data.every((t) => typeof t.description === 'string' && t.description.length > 0)).toBe(true);
		});

		it('paginates when eventTypesPageSize is set, and serves types added at run time', async () => {
			const small = await HeyGenSandbox.start({ eventTypesPageSize: 7 });
			try {
				small.addEventType('brand_new.event', 'Added at run time');
				const all: string[] = [];
				let token: string | null = null;
				let pages = 0;
				do {
					const res: { data: Envelope<EventTypeInfo[]> } = await heygen(small.url).get('/v3/webhooks/event-types', {
						params: token ? { token } : {},
					});
					all.push(...res.data.data.map((t) => t.event_type));
					token = res.data.next_token ?? null;
					pages++;
				} while (token);
				expect(pages).toBe(5);
				expect(all).toHaveLength(31);
				expect(new Set(all).size).toBe(31);
				expect(all[30]).toBe('brand_new.event');
				// A runtime type can be subscribed to.
				const rcv = await startReceiver();
				const res = await heygen(small.url).post(ENDPOINTS, { url: rcv.url, events: ['brand_new.event'] });
				expect(res.status).toBe(200);
				await rcv.close();
			} finally {
				await small.stop();
			}
		});
	});

	describe('events history', () => {
		it('lists fired events newest first, with filters and pagination', async () => {
			const fired = [
				sandbox.fireEvent({ apiKey: 'key-a', event_type: 'avatar_video.success', entity_id: 'v1' }),
				sandbox.fireEvent({ apiKey: 'key-a', event_type: 'avatar_video.fail', entity_id: 'v1' }),
				sandbox.fireEvent({ apiKey: 'key-a', event_type: 'avatar_video.success', entity_id: 'v2' }),
				sandbox.fireEvent({ apiKey: 'key-a', event_type: 'avatar_video.success' }),
				sandbox.fireEvent({ apiKey: 'key-b', event_type: 'avatar_video.success' }),
			];
			type Ev = { event_id: string; event_type: string; event_data: Record<string, unknown>; created_at: string };
			const all = await api().get<Envelope<Ev[]>>('/v3/webhooks/events');
			expect(all.data.data.map((e) => e.event_id)).toEqual(fired.slice(0, 4).reverse().map((e) => e.event_id));
			expect(Object.keys(all.data.data[0]).sort()).toEqual(['created_at', 'event_data', 'event_id', 'event_type']);

			const byType = await api().get<Envelope<Ev[]>>('/v3/webhooks/events', { params: { event_type: 'avatar_video.success' } });
			expect(byType.data.data.map((e) => e.event_id)).toEqual([fired[3], fired[2], fired[0]].map((e) => e.event_id));
			const byEntity = await api().get<Envelope<Ev[]>>('/v3/webhooks/events', { params: { entity_id: 'v1' } });
			expect(byEntity.data.data.map((e) => e.event_id)).toEqual([fired[1], fired[0]].map((e) => e.event_id));
			const both = await api().get<Envelope<Ev[]>>('/v3/webhooks/events', {
				params: { entity_id: 'v1', event_type: 'avatar_video.success' },
			});
			expect(both.data.data.map((e) => e.event_id)).toEqual([fired[0].event_id]);

			const p1 = await api().get<Envelope<Ev[]>>('/v3/webhooks/events', { params: { limit: 3 } });
			expect(p1.data.data).toHaveLength(3);
			expect(p1.data.has_more).toBe(true);
			const p2 = await api().get<Envelope<Ev[]>>('/v3/webhooks/events', { params: { limit: 3, token: p1.data.next_token } });
			expect(p2.data.data.map((e) => e.event_id)).toEqual([fired[0].event_id]);
			expect(p2.data).toMatchObject({ has_more: false, next_token: null });

			const b = await api('key-b').get<Envelope<Ev[]>>('/v3/webhooks/events');
			expect(b.data.data.map((e) => e.event_id)).toEqual([fired[4].event_id]);
		});
	});
});
