import axios from 'axios';
import { HeyGenSandbox } from '../../dev/heygen-sandbox/server';
import { startReceiver, type Receiver } from '../support/receiver';
import {
	afterMarker,
	countByEvent,
	createTriggerWorkflow,
	deliver,
	endpointsFor,
	triggerEventId,
	waitForEndpoints,
	waitForEventExecution,
} from '../../dev/n8n/heygen';
import { N8nInstance, waitFor } from '../../dev/n8n/n8n';

/**
 * The trigger across n8n restarts and in a crowded HeyGen account. With the publication service
 * off (as on n8n 1.x), every boot runs checkExists()/create() for every active workflow: this is
 * where a sloppy checkExists() would leave duplicate endpoints.
 */
describe('HeyGen Trigger lifecycle across restarts and crowded accounts', () => {
	const apiKey = 'e2e-lifecycle-key';
	const bootEnv = { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' };
	let sandbox: HeyGenSandbox;
	let n8n: N8nInstance;
	let credential: { id: string; name: string };
	let otherReceiver: Receiver;

	beforeAll(async () => {
		// Short pages (10), so that finding this node's endpoint means following the cursor.
		sandbox = await HeyGenSandbox.start({ apiKeys: [apiKey], retryScheduleMs: [300, 600], maxPageSize: 10 });
		otherReceiver = await startReceiver(() => ({ status: 204 }));
		const otherUrl = otherReceiver.base;
		n8n = await N8nInstance.start(bootEnv);
		credential = await n8n.createCredential({ apiKey, baseUrl: sandbox.url });
		// 25 endpoints of other integrations: the account's list spans several pages.
		for (let index = 0; index < 25; index++) {
			const response = await axios.post(
				`${sandbox.url}/v3/webhooks/endpoints`,
				{ url: `${otherUrl}/other/${index}`, events: ['avatar_video.success'] },
				{ headers: { 'X-Api-Key': apiKey } },
			);
			expect(response.status).toBe(200);
		}
	});

	afterAll(async () => {
		await n8n?.dispose();
		await sandbox?.stop();
		await otherReceiver?.close();
	});

	it('adopts an endpoint already registered for its URL (rotating its secret) among 25 others', async () => {
		const workflow = await createTriggerWorkflow(n8n, credential, { events: ['avatar_video.success'] });
		// An orphan from a crashed earlier run: same URL, but n8n never stored its secret.
		const orphan = await axios.post(
			`${sandbox.url}/v3/webhooks/endpoints`,
			{ url: workflow.url, events: ['avatar_video.fail'] },
			{ headers: { 'X-Api-Key': apiKey } },
		);
		const orphanSecret = orphan.data.data.secret as string;

		await n8n.activate(workflow.id);
		const [endpoint] = await waitForEndpoints(sandbox, apiKey, workflow.url, 1);
		await waitForRotatedAndPatched(orphan.data.data.endpoint_id, orphanSecret);
		expect(endpoint.endpoint_id).toBe(orphan.data.data.endpoint_id);
		expect(sandbox.listEndpoints(apiKey)).toHaveLength(26);
		const listCalls = sandbox.calls({ method: 'GET', path: '/v3/webhooks/endpoints' });
		expect(listCalls.some((call) => typeof call.query.token === 'string')).toBe(true);

		// The old secret no longer verifies at n8n; HeyGen's own delivery does.
		const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: { video_id: 'v-old' } });
		const withOldSecret = await deliver(workflow.url, { body, secret: orphanSecret });
		expect(withOldSecret.status).toBe(401);
		const fired = sandbox.fireEvent({ apiKey, event_type: 'avatar_video.success' });
		await waitForEventExecution(n8n, workflow.id, fired.event_id);

		await n8n.deactivate(workflow.id);
		await waitForEndpoints(sandbox, apiKey, workflow.url, 0);
		expect(sandbox.listEndpoints(apiKey)).toHaveLength(25);
	});

	it('keeps exactly one endpoint through restarts, and deliveries still verify', async () => {
		const workflow = await createTriggerWorkflow(n8n, credential, { events: ['avatar_video.success'] });
		await n8n.activate(workflow.id);
		const [before] = await waitForEndpoints(sandbox, apiKey, workflow.url, 1);

		const first = sandbox.fireEvent({ apiKey, event_type: 'avatar_video.success' });
		await waitForEventExecution(n8n, workflow.id, first.event_id);
		const [accepted] = sandbox.deliveries({ event_id: first.event_id, endpoint_id: before.endpoint_id });
		const delivered = [first.event_id];

		for (let restart = 1; restart <= 2; restart++) {
			const creates = () => sandbox.calls({ method: 'POST', path: '/v3/webhooks/endpoints' }).length;
			const lists = () => sandbox.calls({ method: 'GET', path: '/v3/webhooks/endpoints' }).length;
			const [createsBefore, listsBefore] = [creates(), lists()];
			await n8n.restart(bootEnv);
			// Boot ran checkExists() (a list call) and found its endpoint; a create would follow that
			// list at once, and a delivery that runs after it is the marker: no new create.
			await waitFor('checkExists() at boot', () => lists() > listsBefore);
			const marker = sandbox.fireEvent({ apiKey, event_type: 'avatar_video.success' });
			await waitForEventExecution(n8n, workflow.id, marker.event_id);
			delivered.push(marker.event_id);
			expect(creates()).toBe(createsBefore);
			const endpoints = endpointsFor(sandbox, apiKey, workflow.url);
			expect(endpoints).toHaveLength(1);
			expect(endpoints[0].endpoint_id).toBe(before.endpoint_id);
		}

		// What was accepted before the restarts is still remembered (static data persisted).
		const replay = await deliver(workflow.url, {
			body: accepted.request_body,
			signature: accepted.request_headers['Heygen-Signature'],
			eventId: 'evt_replay_after_restarts',
		});
		expect(replay.data).toMatchObject({ ignored: 'duplicate' });
		expect(replay.status).toBe(200);
		const executions = await afterMarker(n8n, workflow, before.secret as string);
		expect(countByEvent(executions).get('evt_replay_after_restarts')).toBeUndefined();
		expect(executions).toHaveLength(delivered.length + 1);
		expect(executions.map(triggerEventId)).toEqual(expect.arrayContaining(delivered));

		await n8n.deactivate(workflow.id);
		await waitForEndpoints(sandbox, apiKey, workflow.url, 0);
	});

	async function waitForRotatedAndPatched(endpointId: string, oldSecret: string) {
		await waitFor('the orphan endpoint to be adopted (rotated and patched)', () => {
			const endpoint = sandbox.listEndpoints(apiKey).find((candidate) => candidate.endpoint_id === endpointId);
			return endpoint && endpoint.secret !== oldSecret && JSON.stringify(endpoint.events) === '["avatar_video.success"]';
		});
	}
});
