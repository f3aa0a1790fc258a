// Webhook deliveries: signing, headers, retries, timeouts, matching, rotation.
import { createHmac } from 'node:crypto';
import { HeyGenSandbox, type DeliveryAttempt, type EndpointRecord } from '../../dev/heygen-sandbox/server';
import { heygen, type Envelope } from '../support/heygenClient';
import { receiverPool, type Received } from '../support/receiver';

/** Computed independently of the sandbox's own signing code. */
const hmacHex = (secret: string, raw: Buffer): string => createHmac('sha256', secret).update(raw).digest('hex');

describe('HeyGen sandbox: deliveries', () => {
	let sandbox: HeyGenSandbox;
	const receivers = receiverPool();

	beforeAll(async () => {
		sandbox = await HeyGenSandbox.start({ retryScheduleMs: [50, 100, 200], deliveryTimeoutMs: 500 });
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => sandbox.reset());
	afterEach(() => receivers.closeAll());

	const receiver = receivers.start;
	const register = async (body: Record<string, unknown>): Promise<EndpointRecord> => {
		const res = await heygen(sandbox.url).post<Envelope<EndpointRecord>>('/v3/webhooks/endpoints', body);
		expect(res.status).toBe(200);
		return res.data.data;
	};
	const forEvent = (eventId: string, n: number) => (all: readonly DeliveryAttempt[]) =>
		all.filter((a) => a.event_id === eventId).length >= n;

	it('POSTs a signed, compact JSON body with the HeyGen headers', async () => {
		const rcv = await receiver();
		const ep = await register({ url: rcv.url });
		const before = Math.floor(Date.now() / 1000);
		const fired = sandbox.fireEvent({ event_type: 'avatar_video.success', callback_id: 'cb-42', event_data: { folder_id: 'f1' } });
		expect(fired.matched_endpoints).toEqual([ep.endpoint_id]);
		const [req] = await rcv.waitFor(1, (r) => r.method === 'POST');
		const after = Math.floor(Date.now() / 1000);

		expect(req.headers['content-type']).toBe('application/json');
		expect(req.headers['user-agent']).toBe('HeyGen-Webhooks-Sandbox');
		expect(req.headers['heygen-event-id']).toBe(fired.event_id);
		expect(fired.event_id).toMatch(/^evt_[0-9a-f]{32}$/);
		expect(req.headers['heygen-signature']).toBe(hmacHex(ep.secret as string, req.raw));
		const ts = Number(req.headers['heygen-timestamp']);
		expect(Number.isInteger(ts)).toBe(true);
		expect(ts).toBeGreaterThanOrEqual(before);
		expect(ts).toBeLessThanOrEqual(after);

		const body = JSON.parse(req.raw.toString('utf8')) as { event_type: string; event_data: Record<string, unknown> };
		expect(req.raw.toString('utf8')).toBe(JSON.stringify(body));
		expect(Object.keys(body)).toEqual(['event_type', 'event_data']);
		expect(body.event_type).toBe('avatar_video.success');
		expect(body.event_data).toMatchObject({ callback_id: 'cb-42', folder_id: 'f1' });
		expect(body.event_data.video_id).toMatch(/^[0-9a-f]{32}$/);
		expect(body.event_data.url).toMatch(/^https:\/\/.+\.mp4/);
		expect(body.event_data).toHaveProperty('gif_download_url');
		expect(body.event_data).toHaveProperty('video_share_page_url');

		const [log] = await sandbox.waitForDeliveries(forEvent(fired.event_id, 1));
		expect(log).toMatchObject({
			kind: 'endpoint',
			job_id: null,
			event_id: fired.event_id,
			endpoint_id: ep.endpoint_id,
			url: rcv.url,
			attempt: 1,
			status: 200,
			error: null,
			response_body: 'ok',
			ok: true,
			final: true,
			request_body: req.raw.toString('utf8'),
		});
		expect(log.request_headers['Heygen-Signature']).toBe(req.headers['heygen-signature']);
		expect(log.delivery_id).toMatch(/^dlv_/);
	});

	it('generates the documented event_data shapes', async () => {
		const data = (type: string) => sandbox.fireEvent({ event_type: type, callback_id: 'c' }).event_data;
		expect(Object.keys(data('avatar_video.fail')).sort()).toEqual(['callback_id', 'msg', 'video_id']);
		expect(Object.keys(data('video_translate.success')).sort()).toEqual(['callback_id', 'output_language', 'url', 'video_translate_id']);
		expect(Object.keys(data('video_translate.fail')).sort()).toEqual(['callback_id', 'message', 'output_language', 'video_translate_id']);
		expect(data('personalized_video')).toEqual(
			expect.objectContaining({
				project_id: expect.any(String),
				video_id: expect.any(String),
				video_url: expect.stringMatching(/^https:/),
				landing_page_url: expect.any(String),
				gif_url: expect.any(String),
				gif_html: expect.any(String),
				contact_info: expect.any(Object),
			}),
		);
		expect(data('video_agent.success')).toHaveProperty('callback_url');
		expect(data('some.future_type')).toMatchObject({ callback_id: 'c', id: expect.any(String) });
		expect(sandbox.fireEvent({ event_type: 'avatar_video.success' }).event_data.callback_id).toBeNull();
	});

	it('retries 500, 500, 200: three attempts, same event id and body, fresh signature each time', async () => {
		// Request 0 is the OPTIONS probe; POSTs 1 and 2 fail.
		const rcv = await receiver((req, i) => (req.method === 'POST' && i <= 2 ? { status: 500, body: 'boom' } : { status: 200 }));
		const ep = await register({ url: rcv.url });
		const fired = sandbox.fireEvent({ event_type: 'avatar_video.fail' });
		const log = (await sandbox.waitForDeliveries((all) => all.some((a) => a.event_id === fired.event_id && a.ok))).filter(
			(a) => a.event_id === fired.event_id,
		);
		expect(log.map((a) => [a.attempt, a.status, a.ok, a.next_retry_in_ms, a.final])).toEqual([
			[1, 500, false, 50, false],
			[2, 500, false, 100, false],
			[3, 200, true, null, true],
		]);
		expect(log[0].response_body).toBe('boom');
		expect(new Set(log.map((a) => a.delivery_id)).size).toBe(1);
		const posts = rcv.posts();
		expect(posts).toHaveLength(3);
		expect(new Set(posts.map((p) => p.headers['heygen-event-id']))).toEqual(new Set([fired.event_id]));
		expect(new Set(posts.map((p) => p.raw.toString()))).toEqual(new Set([posts[0].raw.toString()]));
		for (const p of posts) expect(p.headers['heygen-signature']).toBe(hmacHex(ep.secret as string, p.raw));
		// Backoff respected: the attempts are spaced by at least the schedule.
		expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(45);
		expect(posts[2].at - posts[1].at).toBeGreaterThanOrEqual(95);
	});

	it('gives up after the schedule is exhausted', async () => {
		const rcv = await receiver((req) => (req.method === 'OPTIONS' ? { status: 200 } : { status: 503 }));
		await register({ url: rcv.url });
		const fired = sandbox.fireEvent({ event_type: 'avatar_video.success' });
		const log = await sandbox.waitForDeliveries((all) => all.some((a) => a.event_id === fired.event_id && a.final));
		expect(log.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
		expect(log[3]).toMatchObject({ ok: false, final: true, next_retry_in_ms: null, status: 503 });
	});

	it('retries when the receiver does not answer within deliveryTimeoutMs, or resets', async () => {
		const rcv = await receiver((req, i) => (req.method !== 'POST' ? { status: 200 } : i === 1 ? 'hang' : i === 2 ? 'reset' : { status: 204 }));
		await register({ url: rcv.url });
		const fired = sandbox.fireEvent({ event_type: 'avatar_video.success' });
		const log = await sandbox.waitForDeliveries((all) => all.some((a) => a.event_id === fired.event_id && a.ok));
		expect(log).toHaveLength(3);
		expect(log[0]).toMatchObject({ status: null, ok: false, attempt: 1 });
		expect(log[0].error).toMatch(/timeout/);
		expect(log[0].duration_ms).toBeGreaterThanOrEqual(490);
		expect(log[1].status).toBeNull();
		expect(log[1].error).toMatch(/socket hang up|ECONNRESET/);
		expect(log[2]).toMatchObject({ status: 204, ok: true, attempt: 3 });
	});

	it('records connection errors to a dead receiver', async () => {
		const rcv = await receiver();
		await register({ url: rcv.url });
		await rcv.close();
		const fired = sandbox.fireEvent({ event_type: 'avatar_video.success' });
		const [first] = await sandbox.waitForDeliveries(forEvent(fired.event_id, 1));
		expect(first.status).toBeNull();
		expect(first.error).toMatch(/ECONNREFUSED/);
	});

	it('signs with the current secret after rotation: the old secret no longer matches', async () => {
		const rcv = await receiver();
		const ep = await register({ url: rcv.url });
		const e1 = sandbox.fireEvent({ event_type: 'avatar_video.success' });
		await sandbox.waitForDeliveries(forEvent(e1.event_id, 1));
		const rotated = await heygen(sandbox.url).post<Envelope<{ secret: string }>>(
			`/v3/webhooks/endpoints/${ep.endpoint_id}/rotate-secret`,
		);
		const e2 = sandbox.fireEvent({ event_type: 'avatar_video.success' });
		await sandbox.waitForDeliveries(forEvent(e2.event_id, 1));
		const [first, second] = rcv.posts();
		expect(first.headers['heygen-signature']).toBe(hmacHex(ep.secret as string, first.raw));
		expect(second.headers['heygen-signature']).not.toBe(hmacHex(ep.secret as string, second.raw));
		expect(second.headers['heygen-signature']).toBe(hmacHex(rotated.data.data.secret, second.raw));
	});

	it('a retry after a rotation is signed with the new secret', async () => {
		let calls = 0;
		const rcv = await receiver((req) => (req.method === 'POST' && ++calls === 1 ? { status: 500 } : { status: 200 }));
		const slow = await HeyGenSandbox.start({ retryScheduleMs: [300] });
		try {
			const created = await heygen(slow.url).post<Envelope<EndpointRecord>>('/v3/webhooks/endpoints', { url: rcv.url });
			const ep = created.data.data;
			const fired = slow.fireEvent({ event_type: 'avatar_video.success' });
			await slow.waitForDeliveries(forEvent(fired.event_id, 1));
			const rotated = await heygen(slow.url).post<Envelope<{ secret: string }>>(
				`/v3/webhooks/endpoints/${ep.endpoint_id}/rotate-secret`,
			);
			await slow.waitForDeliveries(forEvent(fired.event_id, 2));
			const [a, b] = rcv.posts();
			expect(a.headers['heygen-signature']).toBe(hmacHex(ep.secret as string, a.raw));
			expect(b.headers['heygen-signature']).toBe(hmacHex(rotated.data.data.secret, b.raw));
		} finally {
			await slow.stop();
		}
	});

	it('matches endpoints by events and entity_id, and skips disabled or deleted ones', async () => {
		const rcv = await receiver();
		const all = await register({ url: `${rcv.url}?all` });
		const onlyFail = await register({ url: `${rcv.url}?fail`, events: ['avatar_video.fail'] });
		const entity = await register({ url: `${rcv.url}?entity`, entity_id: 'vid_1' });
		const disabled = await register({ url: `${rcv.url}?disabled` });
		sandbox.setEndpointStatus(disabled.endpoint_id, 'disabled');
		const deleted = await register({ url: `${rcv.url}?deleted` });
		await heygen(sandbox.url).delete(`/v3/webhooks/endpoints/${deleted.endpoint_id}`);

		expect(sandbox.fireEvent({ event_type: 'avatar_video.success' }).matched_endpoints).toEqual([all.endpoint_id]);
		expect(sandbox.fireEvent({ event_type: 'avatar_video.fail' }).matched_endpoints).toEqual([all.endpoint_id, onlyFail.endpoint_id]);
		expect(sandbox.fireEvent({ event_type: 'avatar_video.success', entity_id: 'vid_1' }).matched_endpoints).toEqual([
			all.endpoint_id,
			entity.endpoint_id,
		]);
		expect(sandbox.fireEvent({ event_type: 'avatar_video.success', entity_id: 'vid_2' }).matched_endpoints).toEqual([all.endpoint_id]);
		const unknown = sandbox.fireEvent({ event_type: 'not_in_catalogue.yet' });
		expect(unknown.matched_endpoints).toEqual([all.endpoint_id]);

		await sandbox.waitForDeliveries((log) => log.length >= 7);
		const hits = rcv.posts().map((p) => new URL(p.path, 'http://x').search);
		expect(hits.sort()).toEqual(['?all', '?all', '?all', '?all', '?all', '?entity', '?fail'].sort());
		const unknownPost = rcv.posts().find((p) => p.headers['heygen-event-id'] === unknown.event_id) as Received;
		expect(JSON.parse(unknownPost.raw.toString()).event_type).toBe('not_in_catalogue.yet');
	});

	it('waitForDeliveries rejects with a description when nothing matches in time', async () => {
		await expect(sandbox.waitForDeliveries((log) => log.length > 0, 50)).rejects.toThrow(/timed out after 50 ms/);
	});

	it('reset cancels pending retries', async () => {
		const rcv = await receiver((req) => (req.method === 'OPTIONS' ? { status: 200 } : { status: 500 }));
		await register({ url: rcv.url });
		const fired = sandbox.fireEvent({ event_type: 'avatar_video.success' });
		await sandbox.waitForDeliveries(forEvent(fired.event_id, 1));
		sandbox.reset();
		expect(sandbox.deliveries()).toEqual([]);
		// A marker fired after the reset, on the same schedule: once its first retry went out, the
		// cancelled retry (due earlier) would have gone out too.
		await register({ url: rcv.url });
		const marker = sandbox.fireEvent({ event_type: 'avatar_video.success' });
		await sandbox.waitForDeliveries(forEvent(marker.event_id, 2));
		expect(rcv.posts().map((post) => post.headers['heygen-event-id'])).toEqual([fired.event_id, marker.event_id, marker.event_id]);
	});
});
