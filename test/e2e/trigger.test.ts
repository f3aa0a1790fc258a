import { HeyGenSandbox } from '../../dev/heygen-sandbox/server';
import {
	afterMarker,
	countByEvent,
	createTriggerWorkflow,
	deliver,
	endpointsFor,
	TRIGGER_NAME,
	triggerEventId,
	waitForEndpoints,
	waitForEventExecution,
	type TriggerWorkflow,
} from '../../dev/n8n/heygen';
import { N8nInstance, nodeOutput } from '../../dev/n8n/n8n';
import { N8N_VERSION } from '../../dev/n8n/paths';

/**
 * The HeyGen Trigger inside a real n8n 2.41.1: registration on activation, verification of every
 * delivery, and the lifecycle edge cases n8n and HeyGen produce. Tests find their executions by
 * event id, so none depends on another; a "no execution" check counts after a marker delivery.
 */
describe('HeyGen Trigger in n8n', () => {
	const apiKey = 'e2e-trigger-key';
	let sandbox: HeyGenSandbox;
	let n8n: N8nInstance;
	let credential: { id: string; name: string };

	beforeAll(async () => {
		sandbox = await HeyGenSandbox.start({ apiKeys: [apiKey], retryScheduleMs: [300, 600, 1200] });
		n8n = await N8nInstance.start();
		credential = await n8n.createCredential({ apiKey, baseUrl: sandbox.url });
	});

	afterAll(async () => {
		await n8n?.dispose();
		await sandbox?.stop();
	});

	async function activateAndWait(workflow: TriggerWorkflow) {
		await n8n.activate(workflow.id);
		const [endpoint] = await waitForEndpoints(sandbox, apiKey, workflow.url, 1);
		return endpoint;
	}

	describe('an active workflow subscribed to avatar video events', () => {
		let workflow: TriggerWorkflow;
		let secret: string;

		beforeAll(async () => {
			workflow = await createTriggerWorkflow(n8n, credential, {
				events: ['avatar_video.success', 'avatar_video.fail'],
				options: { entityId: 'entity-e2e' },
			});
			const endpoint = await activateAndWait(workflow);
			secret = endpoint.secret as string;
		});

		it('registered exactly one endpoint with its URL, events and entity id, after the OPTIONS probe', async () => {
			const endpoints = endpointsFor(sandbox, apiKey, workflow.url);
			expect(endpoints).toHaveLength(1);
			expect(endpoints[0].events).toEqual(['avatar_video.success', 'avatar_video.fail']);
			expect(endpoints[0].entity_id).toBe('entity-e2e');
			expect(sandbox.probes().some((probe) => probe.url === workflow.url && probe.ok)).toBe(true);
			const create = sandbox.calls({ method: 'POST', path: '/v3/webhooks/endpoints' }).find(
				(call) => (call.body as { url?: string }).url === workflow.url,
			);
			expect(create?.idempotency_key).toEqual(expect.any(String));
		});

		it('turns a signed avatar_video.success into one execution with the video id, URL and callback id', async () => {
			const fired = sandbox.fireEvent({
				apiKey,
				event_type: 'avatar_video.success',
				callback_id: 'order-42',
				entity_id: 'entity-e2e',
			});
			const execution = await waitForEventExecution(n8n, workflow.id, fired.event_id);
			const [item] = nodeOutput(execution, TRIGGER_NAME);
			expect(item).toMatchObject({
				event_type: 'avatar_video.success',
				event_id: fired.event_id,
				status: 'success',
				callback_id: 'order-42',
				video_id: fired.event_data.video_id,
				url: fired.event_data.url,
			});
			expect(JSON.stringify(item)).not.toContain(secret);
			const [attempt] = sandbox.deliveries({ event_id: fired.event_id });
			expect(attempt.status).toBe(200);
		});

		it('carries the failure message of a signed avatar_video.fail', async () => {
			const fired = sandbox.fireEvent({
				apiKey,
				event_type: 'avatar_video.fail',
				callback_id: 'order-43',
				entity_id: 'entity-e2e',
				event_data: { msg: 'Avatar not found' },
			});
			const execution = await waitForEventExecution(n8n, workflow.id, fired.event_id);
			const [failure] = nodeOutput(execution, TRIGGER_NAME);
			expect(failure).toMatchObject({ status: 'fail', failure_message: 'Avatar not found', callback_id: 'order-43' });
		});

		it('rejects forged, unsigned, altered, stale and malformed deliveries without an execution', async () => {
			const apiCallsBefore = sandbox.calls().length;
			const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: { video_id: 'v-forged' } });

			const forged = await deliver(workflow.url, { body, secret: 'whsec_not_the_secret', eventId: 'evt_forged' });
			expect(forged.status).toBe(401);
			expect(forged.data).toMatchObject({ error: 'invalid_signature' });

			const unsigned = await deliver(workflow.url, { body, signature: null, eventId: 'evt_unsigned' });
			expect(unsigned.status).toBe(401);
			expect(unsigned.data).toMatchObject({ error: 'missing_signature' });

			const signature = (await import('../../dev/heygen-sandbox/server')).signBody(secret, body);
			const altered = await deliver(workflow.url, { body: body.replace('v-forged', 'v-altered'), signature, eventId: 'evt_altered' });
			expect(altered.status).toBe(401);

			const stale = await deliver(workflow.url, { body, secret, timestamp: Math.floor(Date.now() / 1000) - 600, eventId: 'evt_stale' });
			expect(stale.status).toBe(401);
			expect(stale.data.message).toMatch(/stale/i);

			const notJson = await deliver(workflow.url, { body: 'event_type=avatar_video.success', secret, contentType: 'text/plain', eventId: 'evt_not_json' });
			expect(notJson.status).toBe(400);

			const noType = await deliver(workflow.url, { body: JSON.stringify({ event_data: {} }), secret, eventId: 'evt_no_type' });
			expect(noType.status).toBe(400);
			// Rejections stay cheap: not one call to HeyGen.
			expect(sandbox.calls()).toHaveLength(apiCallsBefore);

			// Once a genuine delivery sent after them has run, any of them would have run too.
			const rejected = ['evt_forged', 'evt_unsigned', 'evt_altered', 'evt_stale', 'evt_not_json', 'evt_no_type'];
			const counts = countByEvent(await afterMarker(n8n, workflow, secret));
			expect(rejected.map((eventId) => counts.get(eventId) ?? 0)).toEqual([0, 0, 0, 0, 0, 0]);
		});

		it('ignores a replayed body under a new event id and a fresh timestamp, and HeyGen retries of an accepted event', async () => {
			const fired = sandbox.fireEvent({ apiKey, event_type: 'avatar_video.success', entity_id: 'entity-e2e' });
			const [accepted] = await sandbox.waitForDeliveries(
				(all) => all.some((attempt) => attempt.event_id === fired.event_id && attempt.ok),
				10_000,
			).then((all) => all.filter((attempt) => attempt.event_id === fired.event_id));
			await waitForEventExecution(n8n, workflow.id, fired.event_id);

			const replay = await deliver(workflow.url, {
				body: accepted.request_body,
				signature: accepted.request_headers['Heygen-Signature'],
				eventId: 'evt_replayed_under_a_new_id',
			});
			expect(replay.status).toBe(200);
			expect(replay.data).toMatchObject({ ignored: 'duplicate' });

			const retry = await deliver(workflow.url, { body: accepted.request_body, secret, eventId: fired.event_id });
			expect(retry.status).toBe(200);
			expect(retry.data).toMatchObject({ ignored: 'duplicate' });

			const concurrent = JSON.stringify({ event_type: 'avatar_video.success', event_data: { video_id: 'v-concurrent' } });
			const answers = await Promise.all(
				Array.from({ length: 5 }, () => deliver(workflow.url, { body: concurrent, secret, eventId: 'evt_concurrent' })),
			);
			expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
			expect(answers.filter((answer) => answer.data?.ignored === 'duplicate')).toHaveLength(4);

			const counts = countByEvent(await afterMarker(n8n, workflow, secret));
			expect([fired.event_id, 'evt_replayed_under_a_new_id', 'evt_concurrent'].map((eventId) => counts.get(eventId) ?? 0)).toEqual([1, 0, 1]);
		});

		it('ignores events of other types and other callback ids with a 200', async () => {
			const otherType = await deliver(workflow.url, {
				body: JSON.stringify({ event_type: 'video_translate.success', event_data: {} }),
				secret,
				eventId: 'evt_other_type',
			});
			expect(otherType.status).toBe(200);
			expect(otherType.data).toMatchObject({ ignored: 'event_type' });
			const counts = countByEvent(await afterMarker(n8n, workflow, secret));
			expect(counts.get('evt_other_type')).toBeUndefined();
		});

		it('writes neither the API key nor a signing secret to n8n\'s log', () => {
			const logs = n8n.logs();
			expect(logs.length).toBeGreaterThan(0);
			expect(logs).not.toContain(apiKey);
			for (const endpoint of sandbox.listEndpoints(apiKey)) {
				expect(logs).not.toContain(endpoint.secret as string);
			}
		});

		afterAll(async () => await n8n.deactivate(workflow.id));
	});

	it('deletes its endpoint when deactivated', async () => {
		const workflow = await createTriggerWorkflow(n8n, credential, { events: ['avatar_video.success'] });
		await activateAndWait(workflow);
		await n8n.deactivate(workflow.id);
		await waitForEndpoints(sandbox, apiKey, workflow.url, 0);
	});

	it('starts only for the chosen callback id', async () => {
		const workflow = await createTriggerWorkflow(n8n, credential, { options: { callbackId: 'job-7' } });
		const endpoint = await activateAndWait(workflow);
		expect(endpoint.events).toBeNull();
		const other = sandbox.fireEvent({ apiKey, event_type: 'avatar_video.success', callback_id: 'job-6' });
		const wanted = sandbox.fireEvent({ apiKey, event_type: 'avatar_video.success', callback_id: 'job-7' });
		const [answered] = await sandbox.waitForDeliveries((all) => all.some((attempt) => attempt.event_id === other.event_id && attempt.ok), 10_000)
			.then((all) => all.filter((attempt) => attempt.event_id === other.event_id));
		expect(JSON.parse(answered.response_body)).toEqual({ received: true, ignored: 'callback_id' });
		// The marker waits for job-7 too: it carries the callback id the trigger starts for.
		const executions = await afterMarker(n8n, workflow, endpoint.secret as string, { eventData: { callback_id: 'job-7' } });
		expect(executions).toHaveLength(2);
		const execution = executions.find((candidate) => triggerEventId(candidate) === wanted.event_id);
		expect(nodeOutput(execution!, TRIGGER_NAME)[0]).toMatchObject({ event_id: wanted.event_id, callback_id: 'job-7' });
		await n8n.deactivate(workflow.id);
		await waitForEndpoints(sandbox, apiKey, workflow.url, 0);
	});

	it('passes new, unknown event types through when subscribed to all events, and outputs the raw body on request', async () => {
		sandbox.addEventType('brand_new_video.success', 'A type HeyGen added after this package was released');
		const workflow = await createTriggerWorkflow(n8n, credential, { options: { output: 'raw' } });
		await activateAndWait(workflow);
		const fired = sandbox.fireEvent({ apiKey, event_type: 'brand_new_video.success', event_data: { video_id: 'hf-1' } });
		const [execution] = await n8n.waitForExecutions(workflow.id, 1);
		const [item] = nodeOutput(execution, TRIGGER_NAME);
		expect(item).toMatchObject({
			body: { event_type: 'brand_new_video.success', event_data: expect.objectContaining({ video_id: 'hf-1' }) },
			headers: { 'heygen-event-id': fired.event_id, 'heygen-timestamp': expect.stringMatching(/^\d+$/) },
		});
		// Never the signature: with the body it would let anyone who can read executions replay it.
		const [attempt] = sandbox.deliveries({ event_id: fired.event_id });
		const signature = Object.entries(attempt.request_headers).find(([name]) => name.toLowerCase() === 'heygen-signature')?.[1];
		expect(signature).toMatch(/^[0-9a-f]{64}$/);
		expect(JSON.stringify(execution.data)).not.toContain(signature);
		expect(JSON.stringify(execution.data)).not.toContain('heygen-signature');
		await n8n.deactivate(workflow.id);
		await waitForEndpoints(sandbox, apiKey, workflow.url, 0);
	});

	it('activated and deactivated 20 times leaves no endpoint behind', async () => {
		const workflow = await createTriggerWorkflow(n8n, credential, { events: ['avatar_video.success'] });
		for (let cycle = 0; cycle < 20; cycle++) {
			await activateAndWait(workflow);
			await n8n.deactivate(workflow.id);
			await waitForEndpoints(sandbox, apiKey, workflow.url, 0);
		}
		expect(endpointsFor(sandbox, apiKey, workflow.url)).toHaveLength(0);
	});

	it('gets one fresh endpoint after its endpoint was deleted behind n8n\'s back', async () => {
		const workflow = await createTriggerWorkflow(n8n, credential);
		const first = await activateAndWait(workflow);
		const { status } = await sandboxApi('DELETE', `/v3/webhooks/endpoints/${first.endpoint_id}`);
		expect(status).toBe(200);
		await n8n.deactivate(workflow.id); // delete() meets a 404: already gone counts as success
		await n8n.activate(workflow.id);
		const [second] = await waitForEndpoints(sandbox, apiKey, workflow.url, 1);
		expect(second.endpoint_id).not.toBe(first.endpoint_id);
		const fired = sandbox.fireEvent({ apiKey, event_type: 'avatar_video.success' });
		const [execution] = await n8n.waitForExecutions(workflow.id, 1);
		expect(nodeOutput(execution, TRIGGER_NAME)[0].event_id).toBe(fired.event_id);
		await n8n.deactivate(workflow.id);
	});

	it('ends with exactly one endpoint when HeyGen fails creates with 500s (client and n8n retries)', async () => {
		const workflow = await createTriggerWorkflow(n8n, credential);
		// 5 failures: the client's 4 attempts of the first activation, then the first of n8n's retry.
		sandbox.injectFault({ method: 'POST', path: '/v3/webhooks/endpoints', mode: 'status', status: 500, count: 5 });
		const activation = await n8n.activate(workflow.id).then(() => undefined, (error) => error);
		if (N8N_VERSION.startsWith('1.')) {
			// n8n 1.x does not retry a failed activation: the user sees HeyGen's error and activates again.
			expect(JSON.stringify(activation?.response?.data)).toMatch(/HeyGen/);
			expect(endpointsFor(sandbox, apiKey, workflow.url)).toHaveLength(0);
			await n8n.activate(workflow.id);
		}
		const [endpoint] = await waitForEndpoints(sandbox, apiKey, workflow.url, 1, 60_000);
		// Once a delivery has run, the activation that succeeded is over: n8n retries only failed ones.
		const fired = sandbox.fireEvent({ apiKey, event_type: 'avatar_video.success' });
		await waitForEventExecution(n8n, workflow.id, fired.event_id);
		expect(endpointsFor(sandbox, apiKey, workflow.url)).toEqual([endpoint]);
		const creates = sandbox.calls({ method: 'POST', path: '/v3/webhooks/endpoints' }).filter(
			(call) => (call.body as { url?: string }).url === workflow.url,
		);
		expect(creates.filter((call) => call.status === 200)).toHaveLength(1);
		expect(creates.filter((call) => call.status === 500)).toHaveLength(5);
		await n8n.deactivate(workflow.id);
		await waitForEndpoints(sandbox, apiKey, workflow.url, 0);
	});

	it('listens for a test event on the /webhook-test/ URL and removes that endpoint afterwards, twice', async () => {
		const workflow = await createTriggerWorkflow(n8n, credential);
		for (let round = 1; round <= 2; round++) {
			await n8n.listenForTestEvent(workflow.id, TRIGGER_NAME);
			await waitForEndpoints(sandbox, apiKey, workflow.testUrl, 1);
			const fired = sandbox.fireEvent({ apiKey, event_type: 'avatar_video.success', callback_id: `test-${round}` });
			const executions = await n8n.waitForExecutions(workflow.id, round);
			const items = executions.flatMap((execution) => nodeOutput(execution, TRIGGER_NAME));
			expect(items.map((item) => item.event_id)).toContain(fired.event_id);
			await waitForEndpoints(sandbox, apiKey, workflow.testUrl, 0);
		}
		// Listening, then stopping without an event, leaves nothing either.
		await n8n.listenForTestEvent(workflow.id, TRIGGER_NAME);
		await waitForEndpoints(sandbox, apiKey, workflow.testUrl, 1);
		await n8n.stopListening(workflow.id);
		await waitForEndpoints(sandbox, apiKey, workflow.testUrl, 0);
		// Listening registered the test URL, three times, and never the production URL.
		const registered = sandbox
			.calls({ method: 'POST', path: '/v3/webhooks/endpoints' })
			.map((call) => (call.body as { url?: string } | null)?.url)
			.filter((url) => url === workflow.url || url === workflow.testUrl);
		expect(registered).toEqual([workflow.testUrl, workflow.testUrl, workflow.testUrl]);
	});

	async function sandboxApi(method: string, path: string, body?: unknown) {
		const axios = (await import('axios')).default;
		return await axios.request({
			method,
			url: `${sandbox.url}${path}`,
			data: body,
			headers: { 'X-Api-Key': apiKey },
			validateStatus: () => true,
		});
	}
});
