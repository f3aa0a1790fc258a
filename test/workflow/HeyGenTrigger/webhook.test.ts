import { HeyGenSandbox, signBody } from '../../../dev/heygen-sandbox/server';
import { freshProcess, hostTrigger, type TriggerHost } from '../harness/triggerHost';

const API_KEY = 'sandbox-api-key';
let sandbox: HeyGenSandbox;
let host: TriggerHost;

beforeAll(async () => {
	sandbox = await HeyGenSandbox.start({ retryScheduleMs: [] });
});
afterAll(async () => await sandbox.stop());

// Each test activates a trigger of its own against an emptied sandbox.
beforeEach(async () => {
	sandbox.reset();
	host = await hostTrigger({ events: [], options: {} }, { apiKey: API_KEY, baseUrl: sandbox.url });
	await host.activate();
});
afterEach(async () => await host.close());

/** Fires an event in the sandbox and waits for its (single) delivery attempt to be answered. */
async function deliver(callbackId: string) {
	const { event_id } = sandbox.fireEvent({ event_type: 'avatar_video.success', callback_id: callbackId });
	const [attempt] = await sandbox.waitForDeliveries((all) => all.some((a) => a.event_id === event_id && a.final));
	return sandbox.deliveries({ event_id }).at(-1) ?? attempt;
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

		const answers = await Promise.all(Array.from({ length: 4 }, async () => await post(body, headers)));

		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
		expect(answers.filter((answer) => answer.body.ignored === 'duplicate')).toHaveLength(3);
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

	it('deactivation deletes the endpoint', async () => {
		await host.deactivate();

		expect(sandbox.listEndpoints()).toEqual([]);
	});
});
