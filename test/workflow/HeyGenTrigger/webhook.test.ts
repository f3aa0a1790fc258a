import { HeyGenSandbox, signBody } from '../../../dev/heygen-sandbox/server';
import { freshProcess, hostTrigger, type HostOptions, type TriggerHost } from '../../support/triggerHost';

const API_KEY = 'sandbox-api-key';
let sandbox: HeyGenSandbox;
let host: TriggerHost;

beforeAll(async () => {
	sandbox = await HeyGenSandbox.start({ retryScheduleMs: [100] });
});
afterAll(async () => await sandbox.stop());

// Each test activates a trigger of its own against an emptied sandbox.
beforeEach(async () => {
	sandbox.reset();
	host = await hostTrigger({ events: [], options: {} }, { apiKey: API_KEY, baseUrl: sandbox.url });
	await host.activate();
});
afterEach(async () => await host.close());

/** Fires an event in the sandbox and waits for its last delivery attempt (HeyGen retries a non-2xx once here). */
async function deliver(callbackId: string) {
	const { event_id } = sandbox.fireEvent({ event_type: 'avatar_video.success', callback_id: callbackId });
	const [attempt] = await sandbox.waitForDeliveries((all) => all.some((a) => a.event_id === event_id && a.final));
	return sandbox.deliveries({ event_id }).at(-1) ?? attempt;
}

/** Replaces the test's trigger with one of other parameters or another n8n order. */
async function rehost(parameters: Parameters<typeof hostTrigger>[0], options: HostOptions = {}) {
	await host.deactivate();
	await host.close();
	host = await hostTrigger(parameters, { apiKey: API_KEY, baseUrl: sandbox.url }, options);
	await host.activate();
}

/** Sends a request to the trigger's URL as anyone on the internet could. */
async function post(body: string, headers: Record<string, string>, url = host.webhookUrl) {
	const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('HeyGen Trigger webhook() in n8n-core\'s WebhookContext, with signed deliveries from the sandbox', () => {
	it('activation registers the trigger\'s URL, which HeyGen\'s OPTIONS probe reached', () => {
		expect(sandbox.listEndpoints()).toMatchObject([{ url: host.webhookUrl, events: null, status: 'enabled' }]);
		expect(host.receiver.requests.map((request) => request.method)).toEqual(['OPTIONS']);
		expect(JSON.stringify(host.staticData())).not.toContain(sandbox.listEndpoints()[0].secret);
	});

	it('accepts a genuine delivery: 200 {received: true} and one execution with the simplified item', async () => {
		const attempt = await deliver('order-42');

		expect(attempt).toMatchObject({ status: 200, ok: true });
		expect(JSON.parse(attempt.response_body)).toEqual({ received: true });
		expect(host.executions).toHaveLength(1);
		expect(host.executions[0][0].json).toMatchObject({
			event_type: 'avatar_video.success',
			event_id: attempt.event_id,
			status: 'success',
			callback_id: 'order-42',
		});
	});

	it('answers a forged delivery 401 and starts nothing', async () => {
		const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: { callback_id: 'forged' } });
		const forged = await post(body, {
			'Heygen-Signature': signBody('whsec_not_the_secret', body),
			'Heygen-Timestamp': String(Math.floor(Date.now() / 1000)),
			'Heygen-Event-Id': 'evt_forged',
		});

		expect(forged).toEqual({ status: 401, body: { error: 'invalid_signature', message: expect.any(String) } });
		expect(host.executions).toHaveLength(0);
	});

	it('ignores a replay of an accepted delivery, under fresh headers too: 200, no second execution', async () => {
		const attempt = await deliver('order-7');
		const [captured] = host.receiver.posts();
		const body = captured.raw.toString('utf8');
		const replayHeaders = {
			'Heygen-Signature': String(captured.headers['heygen-signature']),
			'Heygen-Timestamp': String(Math.floor(Date.now() / 1000)),
		};

		const sameEvent = await post(body, { ...replayHeaders, 'Heygen-Event-Id': attempt.event_id });
		const freshId = await post(body, { ...replayHeaders, 'Heygen-Event-Id': 'evt_fresh' });

		expect(sameEvent).toEqual({ status: 200, body: { received: true, ignored: 'duplicate' } });
		expect(freshId).toEqual({ status: 200, body: { received: true, ignored: 'duplicate' } });
		expect(host.executions).toHaveLength(1);
	});

	it('runs simultaneous copies of one delivery once', async () => {
		const secret = sandbox.listEndpoints()[0].secret as string;
		const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: { callback_id: 'copies' } });
		const headers = {
			'Heygen-Signature': signBody(secret, body),
			'Heygen-Timestamp': String(Math.floor(Date.now() / 1000)),
			'Heygen-Event-Id': 'evt_copies',
		};

		// n8n is slow to create the execution: every copy arrives while the first is being recorded.
		host.setRunExecution(async (items) => {
			await host.receiver.waitFor(4, (request) => request.method === 'POST');
			host.executions.push(items);
		});
		const answers = await Promise.all(Array.from({ length: 4 }, async () => await post(body, headers)));

		// One is recorded; the copies that arrive while n8n creates its execution are asked to retry
		// (503), because the first could still fail. Their retries find it recorded.
		expect(answers.filter((answer) => answer.status === 200)).toEqual([{ status: 200, body: { received: true } }]);
		expect(answers.filter((answer) => answer.status === 503).map((answer) => answer.body.error)).toEqual(['in_flight', 'in_flight', 'in_flight']);
		const retries = await Promise.all(Array.from({ length: 3 }, async () => await post(body, headers)));
		expect(retries).toEqual(Array(3).fill({ status: 200, body: { received: true, ignored: 'duplicate' } }));
		expect(host.executions).toHaveLength(1);
	});

	it('a delivery whose execution n8n fails to create gets a 5xx, and HeyGen\'s retry runs it: one execution in all', async () => {
		let failures = 1;
		host.setRunExecution(async (items) => {
			await new Promise((resolve) => setImmediate(resolve));
			if (failures-- > 0) throw new Error('SQLITE_BUSY: database is locked');
			host.executions.push(items);
		});
		const { event_id } = sandbox.fireEvent({ event_type: 'avatar_video.success', callback_id: 'run-fails-once' });
		const settled = await sandbox.waitForDeliveries((all) => all.some((a) => a.event_id === event_id && a.final));
		const attempts = sandbox.deliveries({ event_id });

		expect(attempts.map((attempt) => attempt.status)).toEqual([500, 200]);
		expect(JSON.parse(attempts[1].response_body)).toEqual({ received: true });
		expect(settled.length).toBeGreaterThan(0);
		expect(host.executions).toHaveLength(1);
		expect(host.executions[0][0].json).toMatchObject({ event_id, callback_id: 'run-fails-once' });
		// A third copy is a duplicate: the retry's record was saved.
		const [captured] = host.receiver.posts().slice(-1);
		const again = await post(captured.raw.toString('utf8'), {
			'Heygen-Signature': String(captured.headers['heygen-signature']),
			'Heygen-Timestamp': String(Math.floor(Date.now() / 1000)),
			'Heygen-Event-Id': event_id,
		});
		expect(again).toEqual({ status: 200, body: { received: true, ignored: 'duplicate' } });
		expect(host.executions).toHaveLength(1);
	});

	it('on n8n 1.x (answer read first), a failure that beats the 2xx is a 5xx too, and the retry runs', async () => {
		await rehost({ events: [], options: {} }, { answersBeforeRecording: true });
		let failures = 1;
		host.setRunExecution(async (items) => {
			if (failures-- > 0) throw new Error('SQLITE_CONSTRAINT: the database refuses executions');
			host.executions.push(items);
		});
		const { event_id } = sandbox.fireEvent({ event_type: 'avatar_video.success', callback_id: 'n8n1-fails-once' });
		await sandbox.waitForDeliveries((all) => all.some((a) => a.event_id === event_id && a.final));

		expect(sandbox.deliveries({ event_id }).map((attempt) => attempt.status)).toEqual([500, 200]);
		// Static data had been saved with the failed attempt's keys: they did not make the retry a duplicate.
		expect(host.executions).toHaveLength(1);
	});

	it('a hostile timestamp with the tolerance off gets 401 invalid_timestamp and claims nothing', async () => {
		await rehost({ events: [], options: { timestampTolerance: 0 } });
		const secret = sandbox.listEndpoints().find((endpoint) => endpoint.url === host.webhookUrl)!.secret as string;
		const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: { callback_id: 'hostile-timestamp' } });
		const signed = { 'Heygen-Signature': signBody(secret, body), 'Heygen-Event-Id': 'evt_hostile' };

		expect(await post(body, { ...signed, 'Heygen-Timestamp': '9999999999999999' })).toEqual({
			status: 401,
			body: { error: 'invalid_timestamp', message: expect.any(String) },
		});
		// Nothing was claimed: the same delivery with a real timestamp runs.
		expect(await post(body, { ...signed, 'Heygen-Timestamp': String(Math.floor(Date.now() / 1000)) })).toEqual({
			status: 200,
			body: { received: true },
		});
		expect(host.executions).toHaveLength(1);
	});

	it('keeps every accepted delivery in static data when simultaneous requests overwrite each other\'s, so a restarted process ignores their replays', async () => {
		const secret = sandbox.listEndpoints()[0].secret as string;
		const timestamp = String(Math.floor(Date.now() / 1000));
		const deliveries = Array.from({ length: 8 }, (_, index) => {
			const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: { video_id: `v-${index}` } });
			return { body, headers: { 'Heygen-Signature': signBody(secret, body), 'Heygen-Timestamp': timestamp } };
		});

		const accepted = await Promise.all(
			deliveries.map(async ({ body, headers }, index) => await post(body, { ...headers, 'Heygen-Event-Id': `evt_${index}` })),
		);
		expect(accepted.map((answer) => answer.body)).toEqual(deliveries.map(() => ({ received: true })));

		const restarted = await hostTrigger({ events: [], options: {} }, { apiKey: API_KEY, baseUrl: sandbox.url }, {
			staticData: host.staticData(),
			trigger: freshProcess(),
		});
		try {
			const replays = await Promise.all(
				deliveries.map(async ({ body, headers }) => await post(body, { ...headers, 'Heygen-Event-Id': 'evt_fresh' }, restarted.webhookUrl)),
			);
			expect(replays.map((answer) => answer.body)).toEqual(deliveries.map(() => ({ received: true, ignored: 'duplicate' })));
			expect(restarted.executions).toHaveLength(0);
		} finally {
			await restarted.close();
		}
	});

	it('a new registration starts a new record, whatever modes n8n calls the lifecycle in', async () => {
		const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: { callback_id: 'across-registrations' } });
		const signedFor = (secret: string) => ({
			'Heygen-Signature': signBody(secret, body),
			'Heygen-Timestamp': String(Math.floor(Date.now() / 1000)),
			'Heygen-Event-Id': 'evt_across',
		});
		expect(await post(body, signedFor(sandbox.listEndpoints()[0].secret as string))).toEqual({ status: 200, body: { received: true } });

		await host.deactivate(); // mode "internal"
		await host.activate(); // mode "trigger": a new endpoint, a new secret
		const [endpoint] = sandbox.listEndpoints();
		const stored = host.staticData()['node:HeyGen Trigger'] as Record<string, unknown>;
		expect(stored).toMatchObject({ endpointId: endpoint.endpoint_id });
		expect(stored.replay).toBeUndefined();

		// Nothing accepted under the old endpoint applies to the new one.
		expect(await post(body, signedFor(endpoint.secret as string))).toEqual({ status: 200, body: { received: true } });
		expect(host.executions).toHaveLength(2);
	});

	it('a signed delivery that arrives before activation has stored the secret gets 503 and Retry-After, so HeyGen retries', async () => {
		const unregistered = await hostTrigger({ events: [], options: {} }, { apiKey: API_KEY, baseUrl: sandbox.url });
		try {
			const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: {} });
			const response = await fetch(unregistered.webhookUrl, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', 'Heygen-Signature': signBody('whsec_any', body), 'Heygen-Timestamp': String(Math.floor(Date.now() / 1000)) },
				body,
			});
			expect(response.status).toBe(503);
			expect(response.headers.get('retry-after')).toBe('30');
			expect(await response.json()).toEqual({ error: 'not_ready', message: expect.any(String) });
			expect(unregistered.executions).toHaveLength(0);
		} finally {
			await unregistered.close();
		}
	});

	it('writes back, even on an ignored delivery, keys another process\'s save overwrote, so a restarted process still ignores their replays', async () => {
		const secret = sandbox.listEndpoints()[0].secret as string;
		const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: { video_id: 'v-overwritten' } });
		const signed = () => ({ 'Heygen-Signature': signBody(secret, body), 'Heygen-Timestamp': String(Math.floor(Date.now() / 1000)), 'Heygen-Event-Id': 'evt_overwritten' });
		const before = host.staticData();
		expect(await post(body, signed())).toEqual({ status: 200, body: { received: true } });
		host.overwriteStaticData(before); // another process had loaded static data before, and saved after

		// HeyGen's retry is ignored by this process, which knows it, and the write puts the key back.
		expect(await post(body, signed())).toEqual({ status: 200, body: { received: true, ignored: 'duplicate' } });
		const restarted = await hostTrigger({ events: [], options: {} }, { apiKey: API_KEY, baseUrl: sandbox.url }, {
			staticData: host.staticData(),
			trigger: freshProcess(),
		});
		try {
			expect(await post(body, signed(), restarted.webhookUrl)).toEqual({ status: 200, body: { received: true, ignored: 'duplicate' } });
			expect(restarted.executions).toHaveLength(0);
		} finally {
			await restarted.close();
		}
	});

	it('deactivation deletes the endpoint', async () => {
		await host.deactivate();

		expect(sandbox.listEndpoints()).toEqual([]);
	});
});
