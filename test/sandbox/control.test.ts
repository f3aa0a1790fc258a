// The /_sandbox control API.
import { createHmac } from 'node:crypto';
import { HeyGenSandbox } from '../../dev/heygen-sandbox/server';
import { heygen } from '../support/heygenClient';
import { startReceiver, type Receiver } from '../support/receiver';

describe('HeyGen sandbox: control API', () => {
	let sandbox: HeyGenSandbox;
	let receiver: Receiver;
	const control = () => heygen(sandbox.url, null);

	beforeAll(async () => {
		sandbox = await HeyGenSandbox.start({ apiKeys: ['first', 'second'], retryScheduleMs: [] });
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await sandbox.stop();
		await receiver.close();
	});
	beforeEach(() => sandbox.reset());

	it('health lists accounts without keys', async () => {
		const res = await control().get('/_sandbox/health');
		expect(res.status).toBe(200);
		expect(res.data.ok).toBe(true);
		expect(res.data.url).toBe(sandbox.url);
		expect(res.data.accounts.map((a: { name: string }) => a.name)).toEqual(['account_1', 'account_2']);
		expect(JSON.stringify(res.data)).not.toMatch(/first|second/);
	});

	it('fires events, shows endpoints with secrets, deliveries and calls', async () => {
		const ep = (await heygen(sandbox.url, 'second').post('/v3/webhooks/endpoints', { url: receiver.url })).data.data;
		const endpoints = await control().get('/_sandbox/endpoints', { params: { api_key: 'second' } });
		expect(endpoints.data.endpoints).toEqual([ep]);
		expect((await control().get('/_sandbox/endpoints')).data.endpoints).toEqual([]);

		const fired = await control().post('/_sandbox/events', {
			api_key: 'second',
			event_type: 'video_translate.success',
			callback_id: 'cb',
			entity_id: 'vt_1',
			event_data: { output_language: 'French' },
		});
		expect(fired.status).toBe(201);
		expect(fired.data).toMatchObject({ event_id: expect.stringMatching(/^evt_/), matched_endpoints: [ep.endpoint_id] });
		expect(fired.data.event_data).toMatchObject({ callback_id: 'cb', output_language: 'French' });
		await sandbox.waitForDeliveries((log) => log.some((a) => a.event_id === fired.data.event_id));
		const deliveries = await control().get('/_sandbox/deliveries', { params: { event_id: fired.data.event_id } });
		expect(deliveries.data.deliveries).toHaveLength(1);
		const [post] = receiver.posts();
		expect(post.headers['heygen-signature']).toBe(createHmac('sha256', ep.secret).update(post.raw).digest('hex'));

		const calls = await control().get('/_sandbox/calls', { params: { method: 'POST' } });
		expect(calls.data.calls).toHaveLength(1);
		expect(calls.data.calls[0]).toMatchObject({ path: '/v3/webhooks/endpoints', status: 200, account: 'account_2' });
		expect((await control().get('/_sandbox/events', { params: { api_key: 'second' } })).data.events).toHaveLength(1);
	});

	it('disables endpoints, adds accounts and event types, resets', async () => {
		const ep = (await heygen(sandbox.url, 'first').post('/v3/webhooks/endpoints', { url: receiver.url })).data.data;
		const patched = await control().patch(`/_sandbox/endpoints/${ep.endpoint_id}`, { status: 'disabled' });
		expect(patched.data.endpoint.status).toBe('disabled');
		const listed = await heygen(sandbox.url, 'first').get('/v3/webhooks/endpoints');
		expect(listed.data.data[0].status).toBe('disabled');
		expect((await control().post('/_sandbox/events', { event_type: 'avatar_video.success' })).data.matched_endpoints).toEqual([]);
		expect((await control().patch('/_sandbox/endpoints/ep_nope', { status: 'disabled' })).status).toBe(404);
		expect((await control().patch(`/_sandbox/endpoints/${ep.endpoint_id}`, { status: 'off' })).status).toBe(400);

		expect((await control().post('/_sandbox/accounts', { api_key: 'third' })).status).toBe(201);
		expect((await heygen(sandbox.url, 'third').get('/v3/users/me')).status).toBe(200);

		expect((await control().post('/_sandbox/event-types', { event_type: 'x.y', description: 'new' })).status).toBe(201);
		const types = await heygen(sandbox.url, 'first').get('/v3/webhooks/event-types');
		expect(types.data.data).toContainEqual({ event_type: 'x.y', description: 'new' });

		expect((await control().post('/_sandbox/reset')).data).toEqual({ ok: true });
		expect(sandbox.listEndpoints('first')).toEqual([]);
		expect(sandbox.calls()).toEqual([]);
		expect(sandbox.eventTypes().some((t) => t.event_type === 'x.y')).toBe(false);
		expect((await heygen(sandbox.url, 'third').get('/v3/users/me')).status).toBe(200);
	});

	it('answers 400/404 for bad control requests', async () => {
		expect((await control().post('/_sandbox/events', {})).status).toBe(400);
		expect((await control().post('/_sandbox/events', { event_type: 'a', api_key: 'unknown' })).status).toBe(400);
		expect((await control().post('/_sandbox/events', 'not json', { headers: { 'Content-Type': 'application/json' } })).status).toBe(400);
		expect((await control().get('/_sandbox/nothing')).status).toBe(404);
	});
});
