// Fault injection on the v3 API surface.
import { HeyGenSandbox } from '../../dev/heygen-sandbox/server';
import { heygen } from '../support/heygenClient';
import { startReceiver, type Receiver } from '../support/receiver';

const ENDPOINTS = '/v3/webhooks/endpoints';

describe('HeyGen sandbox: faults', () => {
	let sandbox: HeyGenSandbox;
	let receiver: Receiver;

	beforeAll(async () => {
		sandbox = await HeyGenSandbox.start();
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await sandbox.stop();
		await receiver.close();
	});
	beforeEach(() => sandbox.reset());

	it('status 429 with Retry-After, honouring count, before any work is done', async () => {
		sandbox.injectFault({ method: 'POST', path: ENDPOINTS, status: 429, count: 2, retryAfter: 2 });
		for (let i = 0; i < 2; i++) {
			const res = await heygen(sandbox.url).post(ENDPOINTS, { url: receiver.url });
			expect(res.status).toBe(429);
			expect(res.headers['retry-after']).toBe('2');
			expect(res.data.error).toMatchObject({ code: 'rate_limited', doc_url: expect.any(String) });
		}
		expect(sandbox.listEndpoints()).toHaveLength(0);
		expect(sandbox.probes()).toHaveLength(0);
		// Other routes and methods are unaffected while the fault is pending.
		expect((await heygen(sandbox.url).get(ENDPOINTS)).status).toBe(200);
		expect((await heygen(sandbox.url).post(ENDPOINTS, { url: receiver.url })).status).toBe(200);
		expect(sandbox.faults()).toEqual([]);
		const calls = sandbox.calls({ method: 'POST', path: ENDPOINTS });
		expect(calls.map((c) => [c.status, c.fault])).toEqual([
			[429, 'status'],
			[429, 'status'],
			[200, null],
		]);
	});

	it('fails even unauthenticated calls (a gateway fault), with a 500 default and custom bodies', async () => {
		sandbox.injectFault({ path: '/v3/*' });
		const res = await heygen(sandbox.url, null).get('/v3/users/me');
		expect(res.status).toBe(500);
		expect(res.data.error.code).toBe('internal_error');
		expect(res.headers['retry-after']).toBeUndefined();
		sandbox.injectFault({ method: 'GET', path: '/v3/webhooks/event-types', status: 503, body: { message: 'maintenance' } });
		const custom = await heygen(sandbox.url).get('/v3/webhooks/event-types');
		expect(custom.status).toBe(503);
		expect(custom.data).toEqual({ message: 'maintenance' });
		expect((await heygen(sandbox.url).get('/v3/webhooks/event-types')).status).toBe(200);
	});

	it('reset mode drops the connection', async () => {
		sandbox.injectFault({ method: 'DELETE', path: `${ENDPOINTS}/*`, mode: 'reset' });
		await expect(heygen(sandbox.url).delete(`${ENDPOINTS}/ep_1`)).rejects.toMatchObject({
			code: expect.stringMatching(/ECONNRESET/),
		});
		expect((await heygen(sandbox.url).delete(`${ENDPOINTS}/ep_1`)).status).toBe(404);
		expect(sandbox.calls({ method: 'DELETE' }).map((c) => c.fault)).toEqual(['reset', null]);
	});

	it('hang mode never answers', async () => {
		sandbox.injectFault({ method: 'GET', path: ENDPOINTS, mode: 'hang' });
		await expect(heygen(sandbox.url).get(ENDPOINTS, { timeout: 300 })).rejects.toMatchObject({ code: 'ECONNABORTED' });
		expect((await heygen(sandbox.url).get(ENDPOINTS)).status).toBe(200);
	});

	it('validates fault specs', () => {
		expect(() => sandbox.injectFault({ path: 'no-slash' })).toThrow(/path/);
		expect(() => sandbox.injectFault({ path: '/v3/x', status: 200 })).toThrow(/status/);
		expect(() => sandbox.injectFault({ path: '/v3/x', count: 0 })).toThrow(/count/);
	});

	it('is reachable through the control API', async () => {
		const control = heygen(sandbox.url, null);
		const created = await control.post('/_sandbox/faults', { method: 'GET', path: '/v3/users/me', status: 502, count: 1 });
		expect(created.status).toBe(201);
		expect(created.data.fault).toMatchObject({ method: 'GET', path: '/v3/users/me', mode: 'status', status: 502, remaining: 1 });
		expect((await control.get('/_sandbox/faults')).data.faults).toHaveLength(1);
		expect((await heygen(sandbox.url).get('/v3/users/me')).status).toBe(502);
		expect((await control.post('/_sandbox/faults', { path: '/x', mode: 'explode' })).status).toBe(400);
	});
});
