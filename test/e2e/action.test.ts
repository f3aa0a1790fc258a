import axios from 'axios';
import { createHmac, randomUUID } from 'crypto';
import * as fs from 'fs';
import { join } from 'path';

import { eventTypeDisplayName } from '../../nodes/shared/eventCatalogue';
import { HeyGenSandbox, type DeliveryAttempt, type FiredEvent } from '../../dev/heygen-sandbox/server';
import { startReceiver, type Receiver } from '../support/receiver';
import { N8N_VERSION } from '../../dev/n8n/paths';
import { deliver, endpointsFor, webhookNode } from '../../dev/n8n/heygen';
import {
	ACTION_TYPE,
	CREDENTIAL_TYPE,
	N8nInstance,
	nodeOutput,
	PACKAGE_NAME,
	waitFor,
	type Execution,
	type WorkflowNode,
} from '../../dev/n8n/n8n';

/**
 * The HeyGen action node inside a real n8n (2.41.1, or 1.123.81 with N8N_VERSION), against the sandbox: every operation runs in
 * an active workflow "Webhook → Split Out → HeyGen", driven by a POST whose items carry the
 * parameters (read through expressions), and the sandbox's state is checked afterwards.
 */

type Json = Record<string, unknown>;

/** Deliveries land here: HeyGen's OPTIONS probe is answered 204, deliveries 200. */
const startDeliveryReceiver = () => startReceiver((request) => ({ status: request.method === 'OPTIONS' ? 204 : 200 }));

/** What the editor gives a new workflow (execution order v1), and keep every execution's data. */
const WORKFLOW_SETTINGS = { executionOrder: 'v1', saveManualExecutions: true, saveDataSuccessExecution: 'all' };

const hmac = (secret: string, body: Buffer | string) => createHmac('sha256', secret).update(body).digest('hex');

describe('HeyGen action node in n8n', () => {
	const apiKey = `e2e-action-key-${randomUUID()}`;
	let sandbox: HeyGenSandbox;
	let n8n: N8nInstance;
	let credential: { id: string; name: string };
	let receiver: Receiver;
	/** Every secret any step has seen, for the log check at the end. */
	const secretsSeen = new Set<string>();

	beforeAll(async () => {
		[sandbox, receiver] = await Promise.all([
			HeyGenSandbox.start({ apiKeys: [apiKey], retryScheduleMs: [300], maxPageSize: 10 }),
			startDeliveryReceiver(),
		]);
		n8n = await N8nInstance.start();
		credential = await n8n.createCredential({ apiKey, baseUrl: sandbox.url });
	});

	afterAll(async () => {
		await n8n?.dispose();
		await sandbox?.stop();
		await receiver?.close();
	});

	// ---- workflow helpers ----

	interface ActionWorkflow {
		id: string;
		url: string;
	}

	/** "Webhook → Split Out (body.items) → HeyGen", active. */
	async function actionWorkflow(
		parameters: Json,
		options: { continueOnFail?: boolean; credential?: { id: string; name: string } } = {},
	): Promise<ActionWorkflow> {
		const path = `heygen-action-${randomUUID()}`;
		const heyGen = {
			name: 'HeyGen',
			type: ACTION_TYPE,
			typeVersion: 1,
			position: [440, 0],
			parameters,
			credentials: { [CREDENTIAL_TYPE]: options.credential ?? credential },
			...(options.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		} as WorkflowNode;
		const { id } = await n8n.createWorkflow({
			settings: WORKFLOW_SETTINGS,
			name: `HeyGen action ${parameters.resource}/${parameters.operation} ${path.slice(-8)}`,
			nodes: [
				webhookNode(path),
				{
					name: 'Split Out',
					type: 'n8n-nodes-base.splitOut',
					typeVersion: 1,
					position: [220, 0],
					parameters: { fieldToSplitOut: 'body.items' },
				},
				heyGen,
			],
			connections: {
				Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
				'Split Out': { main: [[{ node: 'HeyGen', type: 'main', index: 0 }]] },
			},
		});
		return { id, url: await publish(id, path) };
	}

	/** Activates a workflow and returns its production webhook URL once n8n routes it. */
	async function publish(id: string, path: string): Promise<string> {
		await n8n.activate(id);
		const url = `${n8n.baseUrl}/webhook/${path}`;
		await n8n.waitForWebhook(url);
		return url;
	}

	const newest = (executions: Execution[]) =>
		[...executions].sort((a, b) => Number(b.id) - Number(a.id))[0];

	/**
	 * Posts `{items}`; returns n8n's answer (the HeyGen node's output items, for a workflow that
	 * succeeded) and the execution it recorded.
	 */
	async function run(workflow: ActionWorkflow, items: Json[]) {
		const before = (await n8n.executions(workflow.id)).length;
		const response = await axios.post(workflow.url, { items }, { validateStatus: () => true });
		const execution = newest(await n8n.waitForExecutions(workflow.id, before + 1));
		return { status: response.status, output: response.data as Json[], execution };
	}

	/** The HeyGen node's output items with their pairing, as n8n stored them. */
	function pairedOutput(execution: Execution) {
		const runs = (execution.data?.resultData.runData.HeyGen ?? []) as unknown as Array<{
			data: { main: Array<Array<{ json: Json; pairedItem?: { item: number } }>> };
		}>;
		return runs.flatMap((r) => r.data.main.flat()).map((item) => ({ json: item.json, pairedItem: item.pairedItem }));
	}

	const sandboxEndpoint = (endpointId: string) =>
		sandbox.listEndpoints(apiKey).find((endpoint) => endpoint.endpoint_id === endpointId);

	const withoutSecret = (endpoint: Json) => ({ ...endpoint, secret: null });

	const endpointLocator = { __rl: true, mode: 'id', value: '={{ $json.endpointId }}' };

	// ---- the workflows, one per operation ----

	let create: ActionWorkflow;
	let get: ActionWorkflow;
	let getTolerant: ActionWorkflow;

	/** n8n's event log (its event bus writes n8nEventLog*.log into the user folder). */
	const eventLog = () => {
		const folder = join(n8n.userFolder, '.n8n');
		return fs
			.readdirSync(folder)
			.filter((file) => file.startsWith('n8nEventLog'))
			.map((file) => fs.readFileSync(join(folder, file), 'utf8'))
			.join('\n');
	};

	/** Creates endpoints through the node; returns its output, one endpoint per item. */
	async function createThroughNode(items: Json[]) {
		const { status, output } = await run(create, items);
		expect(status).toBe(200);
		for (const endpoint of output) secretsSeen.add(endpoint.secret as string);
		return output;
	}

	beforeAll(async () => {
		[create, get, getTolerant] = await Promise.all([
			actionWorkflow({
				resource: 'webhookEndpoint',
				operation: 'create',
				url: '={{ $json.url }}',
				events: '={{ $json.events }}',
				options: { entityId: '={{ $json.entityId }}', idempotencyKey: '={{ $json.idempotencyKey }}' },
			}),
			actionWorkflow({ resource: 'webhookEndpoint', operation: 'get', endpointId: endpointLocator }),
			actionWorkflow(
				{ resource: 'webhookEndpoint', operation: 'get', endpointId: endpointLocator },
				{ continueOnFail: true },
			),
		]);
	});

	describe('Webhook Endpoint', () => {
		it('Create: registers the URL with its events and entity id after the OPTIONS probe, and outputs the secret', async () => {
			const url = `${receiver.base}/create/one`;
			const idempotencyKey = `create-${randomUUID()}`;
			const [endpoint] = await createThroughNode([
				{ url, events: ['avatar_video.success', 'avatar_video.fail'], entityId: 'entity-create', idempotencyKey },
			]);

			const [stored] = endpointsFor(sandbox, apiKey, url);
			expect(stored).toMatchObject({
				url,
				events: ['avatar_video.success', 'avatar_video.fail'],
				entity_id: 'entity-create',
				status: 'enabled',
			});
			expect(endpoint).toMatchObject({
				endpoint_id: stored.endpoint_id,
				url,
				events: ['avatar_video.success', 'avatar_video.fail'],
				secret: stored.secret,
			});
			expect(endpoint.secret).toMatch(/^whsec_/);
			// HeyGen's OPTIONS probe reached the URL before the endpoint was stored.
			expect(sandbox.probes()).toEqual(expect.arrayContaining([expect.objectContaining({ url, ok: true })]));
			expect(receiver.requests).toEqual(
				expect.arrayContaining([expect.objectContaining({ method: 'OPTIONS', path: '/create/one' })]),
			);
			const [call] = sandbox.calls({ method: 'POST', path: '/v3/webhooks/endpoints' }).filter(
				(c) => (c.body as Json).url === url,
			);
			expect(call.idempotency_key).toBe(idempotencyKey);

			// The same idempotency key again: HeyGen answers with the first endpoint, no second one.
			const [again] = await createThroughNode([
				{ url, events: ['avatar_video.success', 'avatar_video.fail'], entityId: 'entity-create', idempotencyKey },
			]);
			expect(again.endpoint_id).toBe(stored.endpoint_id);
			expect(endpointsFor(sandbox, apiKey, url)).toHaveLength(1);
		});

		it('Create: an empty event list subscribes to all events; a refused plain-http URL fails with HeyGen\'s URL requirements', async () => {
			const url = `${receiver.base}/create/all-events`;
			const [endpoint] = await createThroughNode([{ url, events: [] }]);
			expect(endpoint.events).toBeNull();
			expect(sandboxEndpoint(endpoint.endpoint_id as string)).toMatchObject({ url, events: null, entity_id: null });

			const refused = 'http://heygen-e2e.invalid/hook';
			const { status, execution } = await run(create, [{ url: refused, events: [] }]);
			expect(status).toBe(500);
			expect(execution.status).toBe('error');
			const error = execution.data?.resultData.error as unknown as { message: string; description: string };
			expect(error.description).toContain(`HeyGen refused the webhook URL ${refused}`);
			expect(error.description).toContain('not HTTPS');
			expect(endpointsFor(sandbox, apiKey, refused)).toHaveLength(0);
		});

		it('Get: returns the endpoint as HeyGen lists it; an unknown id fails with "Webhook endpoint … not found"', async () => {
			const url = `${receiver.base}/get/one`;
			const [created] = await createThroughNode([{ url, events: ['video_translate.success'], entityId: 'entity-get' }]);

			const { status, output } = await run(get, [{ endpointId: created.endpoint_id }]);
			expect(status).toBe(200);
			expect(output).toEqual([withoutSecret(sandboxEndpoint(created.endpoint_id as string) as unknown as Json)]);

			const missing = await run(get, [{ endpointId: 'ep_does_not_exist' }]);
			expect(missing.status).toBe(500);
			expect(missing.execution.status).toBe('error');
			expect(missing.execution.data?.resultData.error?.message).toBe('Webhook endpoint ep_does_not_exist not found');
		});

		describe('Get Many, with more endpoints than one page (the sandbox serves at most 10 per page)', () => {
			let getAllEndpoints: ActionWorkflow;
			let getSomeEndpoints: ActionWorkflow;

			beforeAll(async () => {
				[getAllEndpoints, getSomeEndpoints] = await Promise.all([
					actionWorkflow({ resource: 'webhookEndpoint', operation: 'getAll', returnAll: true }),
					actionWorkflow({ resource: 'webhookEndpoint', operation: 'getAll', returnAll: false, limit: '={{ $json.limit }}' }),
				]);
				// 25 more endpoints in one run of the Create workflow (25 input items).
				const items = Array.from({ length: 25 }, (_, i) => ({
					url: `${receiver.base}/bulk/${i}`,
					events: ['video_translate.fail'],
					entityId: 'entity-bulk',
				}));
				const output = await createThroughNode(items);
				expect(output.map((endpoint) => endpoint.url)).toEqual(items.map((item) => item.url));
			});

			const listCalls = () => sandbox.calls({ method: 'GET', path: '/v3/webhooks/endpoints' });

			it('Return All follows the cursor across every page', async () => {
				const expected = sandbox.listEndpoints(apiKey);
				expect(expected.length).toBeGreaterThan(25);
				const callsBefore = listCalls().length;

				const { status, output } = await run(getAllEndpoints, [{}]);
				expect(status).toBe(200);
				expect(output).toEqual(expected.map((endpoint) => withoutSecret(endpoint as unknown as Json)));
				const calls = listCalls().slice(callsBefore);
				expect(calls).toHaveLength(Math.ceil(expected.length / 10));
				expect(calls.slice(1).every((call) => typeof call.query.token === 'string')).toBe(true);
			});

			it('a Limit of 13 returns exactly the first 13, in order, over two pages', async () => {
				const expected = sandbox.listEndpoints(apiKey).slice(0, 13);
				const callsBefore = listCalls().length;

				const { status, output } = await run(getSomeEndpoints, [{ limit: 13 }]);
				expect(status).toBe(200);
				expect(output).toHaveLength(13);
				expect(output.map((endpoint) => endpoint.endpoint_id)).toEqual(expected.map((e) => e.endpoint_id));
				expect(listCalls().slice(callsBefore)).toHaveLength(2);
			});
		});

		describe('Update', () => {
			let update: ActionWorkflow;
			let updateToAll: ActionWorkflow;

			beforeAll(async () => {
				[update, updateToAll] = await Promise.all([
					actionWorkflow({
						resource: 'webhookEndpoint',
						operation: 'update',
						endpointId: endpointLocator,
						updateFields: { url: '={{ $json.url }}', events: '={{ $json.events }}' },
					}),
					actionWorkflow({
						resource: 'webhookEndpoint',
						operation: 'update',
						endpointId: endpointLocator,
						updateFields: { allEvents: true },
					}),
				]);
			});

			it('replaces the URL (probed again) and the event list, then All Events sets events to null', async () => {
				const [created] = await createThroughNode([
					{ url: `${receiver.base}/update/before`, events: ['avatar_video.success', 'avatar_video.fail'] },
				]);
				const endpointId = created.endpoint_id as string;
				const newUrl = `${receiver.base}/update/after`;

				const { status, output } = await run(update, [
					{ endpointId, url: newUrl, events: ['video_translate.success'] },
				]);
				expect(status).toBe(200);
				expect(sandboxEndpoint(endpointId)).toMatchObject({ url: newUrl, events: ['video_translate.success'] });
				expect(output).toEqual([
					expect.objectContaining({ endpoint_id: endpointId, url: newUrl, events: ['video_translate.success'] }),
				]);
				expect(sandbox.probes()).toEqual(expect.arrayContaining([expect.objectContaining({ url: newUrl, ok: true })]));
				// Same secret as before: updating does not rotate it.
				expect(sandboxEndpoint(endpointId)?.secret).toBe(created.secret);

				const toAll = await run(updateToAll, [{ endpointId }]);
				expect(toAll.status).toBe(200);
				expect(toAll.output).toEqual([expect.objectContaining({ endpoint_id: endpointId, events: null })]);
				expect(sandboxEndpoint(endpointId)).toMatchObject({ url: newUrl, events: null });
			});
		});

		it('Rotate Secret: afterwards deliveries verify with the new secret and no longer with the old one', async () => {
			const rotate = await actionWorkflow({ resource: 'webhookEndpoint', operation: 'rotateSecret', endpointId: endpointLocator });
			const url = `${receiver.base}/rotate`;
			const [created] = await createThroughNode([{ url, events: ['avatar_video.success'], entityId: 'entity-rotate' }]);
			const endpointId = created.endpoint_id as string;
			const oldSecret = created.secret as string;

			const deliveryTo = async (eventId: string) =>
				await waitFor(`delivery of ${eventId}`, () =>
					receiver.requests.find(
						(r) => r.method === 'POST' && r.path === '/rotate' && r.headers['heygen-event-id'] === eventId,
					),
				);

			// Before: the old secret verifies a delivery.
			const first = sandbox.fireEvent({ apiKey, event_type: 'avatar_video.success', entity_id: 'entity-rotate' });
			const before = await deliveryTo(first.event_id);
			expect(hmac(oldSecret, before.raw)).toBe(before.headers['heygen-signature']);

			const { status, output } = await run(rotate, [{ endpointId }]);
			expect(status).toBe(200);
			expect(output).toEqual([{ endpoint_id: endpointId, secret: expect.stringMatching(/^whsec_/) }]);
			const newSecret = output[0].secret as string;
			secretsSeen.add(newSecret);
			expect(newSecret).not.toBe(oldSecret);
			expect(sandboxEndpoint(endpointId)?.secret).toBe(newSecret);

			const second = sandbox.fireEvent({ apiKey, event_type: 'avatar_video.success', entity_id: 'entity-rotate' });
			const after = await deliveryTo(second.event_id);
			const signature = after.headers['heygen-signature'];
			expect(hmac(newSecret, after.raw)).toBe(signature);
			expect(hmac(oldSecret, after.raw)).not.toBe(signature);
			// What the receiver got is what the sandbox recorded as sent.
			const [attempt] = sandbox.deliveries({ event_id: second.event_id, endpoint_id: endpointId });
			expect(attempt.request_body).toBe(after.raw.toString('utf8'));
		});

		describe('Delete', () => {
			let del: ActionWorkflow;
			let delTolerant: ActionWorkflow;

			beforeAll(async () => {
				const parameters = { resource: 'webhookEndpoint', operation: 'delete', endpointId: endpointLocator };
				[del, delTolerant] = await Promise.all([
					actionWorkflow(parameters),
					actionWorkflow(parameters, { continueOnFail: true }),
				]);
			});

			it('removes the endpoint; deleting it again fails with "Webhook endpoint … not found"', async () => {
				const [created] = await createThroughNode([{ url: `${receiver.base}/delete/one`, events: [] }]);
				const endpointId = created.endpoint_id as string;

				const { status, output } = await run(del, [{ endpointId }]);
				expect(status).toBe(200);
				expect(output).toEqual([{ deleted: true, endpoint_id: endpointId }]);
				expect(sandboxEndpoint(endpointId)).toBeUndefined();

				const again = await run(del, [{ endpointId }]);
				expect(again.status).toBe(500);
				expect(again.execution.status).toBe('error');
				expect(again.execution.data?.resultData.error?.message).toBe(`Webhook endpoint ${endpointId} not found`);
			});

			it('under "Continue On Fail" gives an error item for the missing one and deletes the others', async () => {
				const created = await createThroughNode([
					{ url: `${receiver.base}/delete/a`, events: [] },
					{ url: `${receiver.base}/delete/b`, events: [] },
				]);
				const [a, b] = created.map((endpoint) => endpoint.endpoint_id as string);

				const { status, output, execution } = await run(delTolerant, [
					{ endpointId: a },
					{ endpointId: 'ep_gone_already' },
					{ endpointId: b },
				]);
				expect(status).toBe(200);
				expect(output).toEqual([
					{ deleted: true, endpoint_id: a },
					{ error: 'Webhook endpoint ep_gone_already not found' },
					{ deleted: true, endpoint_id: b },
				]);
				expect(execution.status).toBe('success');
				expect(pairedOutput(execution).map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
				expect(sandboxEndpoint(a)).toBeUndefined();
				expect(sandboxEndpoint(b)).toBeUndefined();
			});
		});
	});

	it('an API key HeyGen refuses fails with the credential hint, never echoing the key', async () => {
		const badKey = `not-a-heygen-key-${randomUUID()}`;
		const badCredential = await n8n.createCredential({ apiKey: badKey, baseUrl: sandbox.url }, 'HeyGen (wrong key)');
		const list = await actionWorkflow(
			{ resource: 'webhookEndpoint', operation: 'getAll', returnAll: true },
			{ credential: badCredential },
		);
		const { status, execution } = await run(list, [{}]);
		expect(status).toBe(500);
		const error = execution.data?.resultData.error as unknown as { message: string; description: string };
		expect(error.description).toContain('Check the API key (and Base URL) in the "HeyGen API" credential');
		expect(JSON.stringify(error)).not.toContain(badKey);
		expect(sandbox.calls({ method: 'GET', path: '/v3/webhooks/endpoints' }).pop()?.status).toBe(401);
	});

	describe('several input items with different parameters', () => {
		it('Create: one output per input, in order, each matching its own item', async () => {
			const items = [
				{ url: `${receiver.base}/multi/a`, events: ['avatar_video.success'], entityId: 'entity-multi-a' },
				{ url: `${receiver.base}/multi/b`, events: ['video_translate.success', 'video_translate.fail'], entityId: '' },
				{ url: `${receiver.base}/multi/c`, events: [], entityId: 'entity-multi-c' },
			];
			const { status, output, execution } = await run(create, items);
			expect(status).toBe(200);
			for (const endpoint of output) secretsSeen.add(endpoint.secret as string);

			expect(output).toHaveLength(3);
			expect(pairedOutput(execution).map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			const expectedEvents = [['avatar_video.success'], ['video_translate.success', 'video_translate.fail'], null];
			const expectedEntity = ['entity-multi-a', null, 'entity-multi-c'];
			items.forEach((item, i) => {
				expect(output[i]).toMatchObject({ url: item.url, events: expectedEvents[i] });
				const stored = sandboxEndpoint(output[i].endpoint_id as string);
				expect(stored).toMatchObject({
					url: item.url,
					events: expectedEvents[i],
					entity_id: expectedEntity[i],
					secret: output[i].secret,
				});
			});
		});

		it('Get under "Continue On Fail": found, error item, found — each paired with its input', async () => {
			const [a, b] = await createThroughNode([
				{ url: `${receiver.base}/multi/get-a`, events: ['avatar_video.fail'] },
				{ url: `${receiver.base}/multi/get-b`, events: ['video_translate.fail'] },
			]);
			const { status, output, execution } = await run(getTolerant, [
				{ endpointId: b.endpoint_id },
				{ endpointId: 'ep_unknown' },
				{ endpointId: a.endpoint_id },
			]);
			expect(status).toBe(200);
			expect(output).toEqual([
				withoutSecret(sandboxEndpoint(b.endpoint_id as string) as unknown as Json),
				{ error: 'Webhook endpoint ep_unknown not found' },
				withoutSecret(sandboxEndpoint(a.endpoint_id as string) as unknown as Json),
			]);
			expect(pairedOutput(execution).map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		});
	});

	describe('Event Type → Get Many', () => {
		it('returns the sandbox\'s catalogue, including a type added at run time', async () => {
			const eventTypes = await actionWorkflow({ resource: 'eventType', operation: 'getAll' });
			sandbox.addEventType('e2e_custom.done', 'An event type only this sandbox knows');

			const { status, output } = await run(eventTypes, [{}]);
			expect(status).toBe(200);
			expect(output).toEqual(sandbox.eventTypes());
			expect(output).toEqual(
				expect.arrayContaining([{ event_type: 'e2e_custom.done', description: 'An event type only this sandbox knows' }]),
			);
		});
	});

	describe('Event → Get Many', () => {
		let eventsAll: ActionWorkflow;
		let eventsLimited: ActionWorkflow;
		const filters = { eventType: '={{ $json.eventType }}', entityId: '={{ $json.entityId }}' };

		beforeAll(async () => {
			[eventsAll, eventsLimited] = await Promise.all([
				actionWorkflow({ resource: 'event', operation: 'getAll', returnAll: true, filters }),
				actionWorkflow({ resource: 'event', operation: 'getAll', returnAll: false, limit: '={{ $json.limit }}', filters }),
			]);
			for (let i = 0; i < 25; i++) {
				sandbox.fireEvent({ apiKey, event_type: 'avatar_video.success', entity_id: 'entity-history-page', callback_id: `page-${i}` });
			}
			for (const [eventType, count] of [['avatar_video.fail', 3], ['avatar_video.success', 2]] as const) {
				for (let i = 0; i < count; i++) {
					sandbox.fireEvent({ apiKey, event_type: eventType, entity_id: 'entity-history-filter' });
				}
			}
		});

		const history = (predicate: (event: { event_type: string; entity_id: string | null }) => boolean) =>
			sandbox.events(apiKey).filter(predicate).map((event) => event.event_id);
		const eventCalls = () => sandbox.calls({ method: 'GET', path: '/v3/webhooks/events' });

		it('honours the event type and entity id filters, alone and together', async () => {
			const both = await run(eventsAll, [{ eventType: 'avatar_video.fail', entityId: 'entity-history-filter' }]);
			expect(both.status).toBe(200);
			expect(both.output).toHaveLength(3);
			expect(both.output.map((event) => event.event_id)).toEqual(
				history((e) => e.event_type === 'avatar_video.fail' && e.entity_id === 'entity-history-filter'),
			);
			expect(both.output.every((event) => event.event_type === 'avatar_video.fail')).toBe(true);

			const byEntity = await run(eventsAll, [{ eventType: '', entityId: 'entity-history-filter' }]);
			expect(byEntity.output.map((event) => event.event_id)).toEqual(history((e) => e.entity_id === 'entity-history-filter'));
			expect(byEntity.output).toHaveLength(5);

			const byType = await run(eventsAll, [{ eventType: 'avatar_video.fail', entityId: '' }]);
			expect(byType.output.map((event) => event.event_id)).toEqual(history((e) => e.event_type === 'avatar_video.fail'));

			const lastCalls = eventCalls().slice(-1);
			expect(lastCalls[0].query).toMatchObject({ event_type: 'avatar_video.fail' });
			expect(lastCalls[0].query.entity_id).toBeUndefined();
		});

		it('Return All follows the cursor over three pages; a Limit of 13 returns the newest 13', async () => {
			const expected = history((e) => e.entity_id === 'entity-history-page');
			expect(expected).toHaveLength(25);

			let callsBefore = eventCalls().length;
			const all = await run(eventsAll, [{ eventType: '', entityId: 'entity-history-page' }]);
			expect(all.status).toBe(200);
			expect(all.output.map((event) => event.event_id)).toEqual(expected);
			expect(all.output[0]).toMatchObject({ event_type: 'avatar_video.success', event_data: expect.objectContaining({ callback_id: 'page-24' }) });
			expect(eventCalls().slice(callsBefore)).toHaveLength(3);

			callsBefore = eventCalls().length;
			const some = await run(eventsLimited, [{ eventType: '', entityId: 'entity-history-page', limit: 13 }]);
			expect(some.status).toBe(200);
			expect(some.output.map((event) => event.event_id)).toEqual(expected.slice(0, 13));
			expect(eventCalls().slice(callsBefore)).toHaveLength(2);
		});
	});

	describe('Webhook Signature → Verify, behind n8n\'s Webhook node with Raw Body on', () => {
		const path = `heygen-verify-${randomUUID()}`;
		let verifyUrl: string;
		let workflowId: string;
		let secret: string;
		let endpointId: string;
		let genuine: { body: string; signature: string; eventId: string };
		let fired: FiredEvent;
		let attempt: DeliveryAttempt;

		beforeAll(async () => {
			verifyUrl = `${n8n.baseUrl}/webhook/${path}`;
			// Register the Webhook node's URL with HeyGen through the node itself (n8n answers the probe).
			const [endpoint] = await createThroughNode([{ url: verifyUrl, events: ['avatar_video.success'], entityId: 'entity-verify' }]);
			secret = endpoint.secret as string;
			endpointId = endpoint.endpoint_id as string;

			const { id } = await n8n.createWorkflow({
				name: 'HeyGen verify',
				settings: WORKFLOW_SETTINGS,
				nodes: [
					webhookNode(path, { rawBody: true }),
					{
						name: 'HeyGen',
						type: ACTION_TYPE,
						typeVersion: 1,
						position: [220, 0],
						credentials: { [CREDENTIAL_TYPE]: credential },
						parameters: {
							resource: 'signature',
							operation: 'verify',
							secret,
							bodySource: 'binary',
							binaryPropertyName: 'data',
							signature: '={{ $json.headers["heygen-signature"] }}',
							timestamp: '={{ $json.headers["heygen-timestamp"] }}',
						},
					},
				],
				connections: { Webhook: { main: [[{ node: 'HeyGen', type: 'main', index: 0 }]] } },
			});
			workflowId = id;
			await n8n.activate(id);
			await n8n.waitForWebhook(verifyUrl);

			// A genuine sandbox delivery: the first test checks its verdict, the second alters it.
			fired = sandbox.fireEvent({ apiKey, event_type: 'avatar_video.success', entity_id: 'entity-verify' });
			// Other endpoints (subscribed to all events) get the event too: look at this one's delivery.
			const ours = (a: { event_id: string; endpoint_id: string; final: boolean }) =>
				a.event_id === fired.event_id && a.endpoint_id === endpointId && a.final;
			attempt = (await sandbox.waitForDeliveries((all) => all.some(ours), 20_000)).find(ours) as DeliveryAttempt;
			genuine = {
				body: attempt.request_body,
				signature: attempt.request_headers['Heygen-Signature'],
				eventId: fired.event_id,
			};
		});

		it('accepts a genuine sandbox delivery', async () => {
			expect(attempt).toMatchObject({ status: 200, ok: true, attempt: 1 });

			// The workflow's first execution, whatever ran since.
			const [execution] = (await n8n.waitForExecutions(workflowId, 1)).sort((a, b) => Number(a.id) - Number(b.id));
			expect(execution.status).toBe('success');
			const [verdict] = nodeOutput(execution, 'HeyGen');
			expect(verdict).toEqual({
				valid: true,
				reason: null,
				message: null,
				event_type: 'avatar_video.success',
				event_id: fired.event_id,
			});
			// The sandbox got the same verdict back as the webhook's answer.
			expect(JSON.parse(attempt.response_body)).toEqual([verdict]);
			expect(hmac(secret, genuine.body)).toBe(genuine.signature);
		});

		it('rejects an altered body, a wrong secret\'s signature and a stale timestamp, saying why', async () => {
			const altered = genuine.body.replace('"avatar_video.success"', '"avatar_video.fail"');
			expect(altered).not.toBe(genuine.body);

			const cases = [
				{ name: 'altered body', delivery: { body: altered, signature: genuine.signature }, reason: 'invalid_signature' },
				{ name: 'wrong secret', delivery: { body: genuine.body, secret: 'whsec_not_the_endpoint_secret' }, reason: 'invalid_signature' },
				{
					name: 'stale timestamp',
					delivery: { body: genuine.body, secret, timestamp: Math.floor(Date.now() / 1000) - 3600 },
					reason: 'stale_timestamp',
				},
			];
			for (const { name, delivery, reason } of cases) {
				const response = await deliver(verifyUrl, delivery);
				expect({ name, status: response.status }).toEqual({ name, status: 200 });
				expect(response.data).toEqual([expect.objectContaining({ valid: false, reason, message: expect.any(String) })]);
			}

			// Control: the same body, freshly signed with the right secret, is valid.
			const fresh = await deliver(verifyUrl, { body: genuine.body, secret });
			expect(fresh.data).toEqual([expect.objectContaining({ valid: true, event_type: 'avatar_video.success' })]);

			const executions = await n8n.waitForExecutions(workflowId, 5);
			const verdicts = executions
				.sort((a, b) => Number(a.id) - Number(b.id))
				.map((execution) => nodeOutput(execution, 'HeyGen')[0]);
			expect(verdicts.map((v) => v.reason)).toEqual([null, 'invalid_signature', 'invalid_signature', 'stale_timestamp', null]);
			expect(String(verdicts[3].message)).toMatch(/stale/i);
			expect(JSON.stringify(verdicts)).not.toContain(secret);
		});
	});

	describe('the Webhook Endpoint resource locator', () => {
		const search = async (filter?: string) => {
			const response = await n8n.rest.post('/dynamic-node-parameters/resource-locator-results', {
				path: 'parameters.endpointId',
				methodName: 'searchWebhookEndpoints',
				nodeTypeAndVersion: { name: ACTION_TYPE, version: 1 },
				currentNodeParameters: {
					resource: 'webhookEndpoint',
					operation: 'get',
					endpointId: { __rl: true, mode: 'list', value: '' },
				},
				credentials: { [CREDENTIAL_TYPE]: credential },
				...(filter === undefined ? {} : { filter }),
			});
			return response.data.data.results as Array<{ name: string; value: string }>;
		};

		// More than one page of endpoints (the sandbox serves 10 a page), one of them easy to find.
		beforeAll(async () => {
			await createThroughNode([
				...Array.from({ length: 10 }, (_, index) => ({ url: `${receiver.base}/locator/${index}`, events: [] })),
				{ url: `${receiver.base}/locator/search-me`, events: ['avatar_video.success'] },
			]);
		});

		it('"From List" lists every endpoint of the account with its URL, event labels and id, across pages', async () => {
			const endpoints = sandbox.listEndpoints(apiKey);
			expect(endpoints.length).toBeGreaterThan(10);
			const results = await search();
			const labels = (events: string[] | null) => (events === null ? 'All events' : events.map(eventTypeDisplayName).join(', '));
			expect(results).toEqual(
				endpoints.map((endpoint) => ({
					name: `${endpoint.url} · ${labels(endpoint.events)} · ${endpoint.endpoint_id}`,
					value: endpoint.endpoint_id,
				})),
			);
		});

		it('narrows the list to the search text', async () => {
			const results = await search('/locator/search-me');
			const [wanted] = endpointsFor(sandbox, apiKey, `${receiver.base}/locator/search-me`);
			expect(results).toEqual([
				{ name: `${receiver.base}/locator/search-me · Avatar Video Success · ${wanted.endpoint_id}`, value: wanted.endpoint_id },
			]);
		});
	});

	describe('Custom API Call (added by n8n)', () => {
		it('chosen in the HeyGen node, ends in a message that says to use the HTTP Request node', async () => {
			const workflow = await actionWorkflow({ resource: '__CUSTOM_API_CALL__' });
			const { execution } = await run(workflow, [{}]);
			expect(execution.status).toBe('error');
			expect(execution.data?.resultData.error?.message).toMatch(/HTTP Request node/);
			expect(JSON.stringify(execution.data)).not.toContain('Could not get parameter');
		});

		it('made as that message says, the HTTP Request node signs any HeyGen call with this credential', async () => {
			const path = `heygen-custom-${randomUUID()}`;
			const { id } = await n8n.createWorkflow({
				settings: WORKFLOW_SETTINGS,
				name: `HeyGen custom call ${path.slice(-8)}`,
				nodes: [
					webhookNode(path),
					{
						name: 'HTTP Request',
						type: 'n8n-nodes-base.httpRequest',
						typeVersion: 4.2,
						position: [220, 0],
						parameters: {
							url: `${sandbox.url}/v3/users/me`,
							authentication: 'predefinedCredentialType',
							nodeCredentialType: CREDENTIAL_TYPE,
							options: {},
						},
						credentials: { [CREDENTIAL_TYPE]: credential },
					},
				],
				connections: { Webhook: { main: [[{ node: 'HTTP Request', type: 'main', index: 0 }]] } },
			});
			const url = await publish(id, path);

			const response = await axios.post(url, {}, { validateStatus: () => true });

			expect(response.status).toBe(200);
			expect(response.data).toEqual([expect.objectContaining({ data: expect.objectContaining({ username: expect.any(String) }) })]);
			expect(sandbox.calls({ path: '/v3/users/me' }).pop()?.status).toBe(200);
		});
	});

	describe('as an AI agent tool', () => {
		it('n8n offers a "HeyGen Tool" variant with the node\'s description as the tool description', async () => {
			const types = (await n8n.nodeTypes()) as unknown as Array<Json & { name: string; properties: Json[] }>;
			const action = types.find((type) => type.name === ACTION_TYPE);
			const tool = types.find((type) => type.name === `${PACKAGE_NAME}.heyGenTool`);
			expect(action?.usableAsTool).toBe(true);
			expect(tool).toBeDefined();
			expect(tool?.displayName).toBe('HeyGen Tool');
			expect(tool?.outputs).toEqual(['ai_tool']);
			expect(tool?.inputs).toEqual([]);
			const toolDescription = tool?.properties.find((property) => property.name === 'toolDescription');
			expect(toolDescription?.default).toBe(action?.description);
			expect(String(toolDescription?.default)).toMatch(/webhook endpoints/i);
			// The tool offers the same operations as the node.
			const operations = (node?: { properties: Json[] }) =>
				node?.properties
					.filter((property) => property.name === 'operation')
					.flatMap((property) => (property.options as Json[]).map((option) => option.value));
			expect(operations(tool)).toEqual(operations(action));
		});
	});

	describe('run by an AI agent', () => {
		/**
		 * A stand-in for OpenAI's chat completions API: the first call answers with a call of the
		 * HeyGen tool, the second (which carries the tool's result) with a final text.
		 */
		let llm: Receiver;
		const llmRequests: Json[] = [];

		beforeAll(async () => {
			llm = await startReceiver((request) => {
				const body = JSON.parse(request.raw.toString('utf8') || '{}') as Json;
				llmRequests.push({ path: request.path, body });
				const messages = (body.messages ?? []) as Json[];
				const tools = (body.tools ?? []) as Array<{ function: { name: string } }>;
				const toolResult = messages.find((message) => message.role === 'tool');
				const message: Json = toolResult
					? { role: 'assistant', content: `Done. The tool said: ${String(toolResult.content)}` }
					: {
							role: 'assistant',
							content: null,
							tool_calls: [
								{
									id: 'call_heygen_1',
									type: 'function',
									function: {
										name: tools[0]?.function.name,
										arguments: JSON.stringify({ url: `${receiver.base}/agent` }),
									},
								},
							],
						};
				const finish = toolResult ? 'stop' : 'tool_calls';
				const base = { id: `chatcmpl-${llmRequests.length}`, created: Math.floor(Date.now() / 1000), model: 'fake-model' };
				const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
				if (body.stream) {
					const delta = toolResult
						? { role: 'assistant', content: message.content }
						: {
								role: 'assistant',
								tool_calls: (message.tool_calls as Json[]).map((call, index) => ({ index, ...call })),
							};
					const chunk = (choices: Json[], extra: Json = {}) =>
						`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
					const stream = [
						chunk([{ index: 0, delta, finish_reason: null }]),
						chunk([{ index: 0, delta: {}, finish_reason: finish }]),
						chunk([], { usage }),
						'data: [DONE]\n\n',
					];
					return { status: 200, headers: { 'Content-Type': 'text/event-stream' }, body: stream.join('') };
				}
				return {
					status: 200,
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage }),
				};
			});
		});

		afterAll(async () => {
			await llm?.close();
		});

		it('an AI Agent calls the HeyGen tool, which creates the endpoint the model asked for', async () => {
			const llmUrl = `${llm.base}/v1`;
			const openAi = await n8n.api.post('/credentials', {
				name: 'Fake OpenAI',
				type: 'openAiApi',
				data: { apiKey: 'sk-fake-llm', url: llmUrl, header: false },
			});
			const path = `heygen-agent-${randomUUID()}`;
			const { id } = await n8n.createWorkflow({
				name: 'HeyGen agent',
				// The legacy execution order (no executionOrder set) resumes the agent before its tool has run.
				settings: WORKFLOW_SETTINGS,
				nodes: [
					webhookNode(path),
					{
						name: 'AI Agent',
						type: '@n8n/n8n-nodes-langchain.agent',
						// The newest agent of each line: n8n 1.x ends at version 3.
						typeVersion: N8N_VERSION.startsWith('1.') ? 3 : 3.1,
						position: [220, 0],
						parameters: { promptType: 'define', text: '={{ $json.body.prompt }}', options: {} },
					},
					{
						name: 'OpenAI Chat Model',
						type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
						typeVersion: 1.2,
						position: [220, 200],
						parameters: { model: { __rl: true, mode: 'id', value: 'fake-model' }, options: {} },
						credentials: { openAiApi: { id: String(openAi.data.id), name: 'Fake OpenAI' } },
					},
					{
						name: 'HeyGen',
						type: `${PACKAGE_NAME}.heyGenTool`,
						typeVersion: 1,
						position: [440, 200],
						parameters: {
							resource: 'webhookEndpoint',
							operation: 'create',
							url: "={{ $fromAI('url', 'The HTTPS URL HeyGen should send events to', 'string') }}",
							events: ['avatar_video.success'],
							options: { entityId: 'entity-agent' },
						},
						credentials: { [CREDENTIAL_TYPE]: credential },
					},
				],
				connections: {
					Webhook: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
					'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
					HeyGen: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
				},
			});
			const url = await publish(id, path);

			const response = await axios.post(
				url,
				{ prompt: 'Register a HeyGen webhook for video results' },
				{ validateStatus: () => true },
			);
			const [execution] = await n8n.waitForExecutions(id, 1);
			expect({ status: response.status, error: execution.data?.resultData.error?.message }).toEqual({
				status: 200,
				error: undefined,
			});

			// The model was offered the HeyGen tool, described by the operation's action, with a "url" argument.
			const [first] = llmRequests;
			const [tool] = (first.body as { tools: Array<{ function: { name: string; description: string; parameters: Json } }> }).tools;
			expect(tool.function.description).toMatch(/^Create a webhook endpoint/);
			expect(tool.function.parameters).toMatchObject({ properties: { url: expect.any(Object) } });

			// The tool call really ran the operation: the endpoint exists in the sandbox.
			const [endpoint] = await waitFor('the agent\'s endpoint', () => {
				const found = endpointsFor(sandbox, apiKey, `${receiver.base}/agent`);
				return found.length === 1 ? found : undefined;
			});
			expect(endpoint).toMatchObject({ events: ['avatar_video.success'], entity_id: 'entity-agent' });
			secretsSeen.add(endpoint.secret as string);
			// ...and its result went back to the model, which answered with it.
			expect(llmRequests).toHaveLength(2);
			expect(JSON.stringify(llmRequests[1].body)).toContain(endpoint.endpoint_id);
			expect(response.data).toEqual([{ output: expect.stringContaining(endpoint.endpoint_id) }]);

			// As an AI tool the node withholds signing secrets: n8n hands tool output to the model and
			// its event bus logs the model's messages ("n8n.ai.llm.generated").
			const log = eventLog();
			expect(log).toContain('Withheld: signing secrets are not given to AI agents');
			expect(log).not.toContain(endpoint.secret as string);
		});
	});

	describe('logs', () => {
		const allSecrets = () => {
			for (const endpoint of sandbox.listEndpoints(apiKey)) secretsSeen.add(endpoint.secret as string);
			return [...secretsSeen].filter((secret) => typeof secret === 'string' && secret.startsWith('whsec_'));
		};

		// A secret of its own through n8n; run after the rest, it checks every secret they saw too.
		beforeAll(async () => {
			await createThroughNode([{ url: `${receiver.base}/logs`, events: [] }]);
		});

		it('n8n\'s log (debug level) holds neither the API key nor any endpoint secret', () => {
			const secrets = allSecrets();
			expect(secrets.length).toBeGreaterThan(0);
			const log = n8n.logs();
			expect(log).toMatch(/debug/);
			expect(log).toContain('n8n-nodes-heygen-webhooks');
			expect(log).not.toContain(apiKey);
			expect(secrets.filter((secret) => log.includes(secret))).toEqual([]);
		});

		it('n8n\'s event log holds neither the API key nor any endpoint secret, an AI agent\'s included', () => {
			const log = eventLog();
			expect(log).toContain('n8n.workflow.success');
			expect(log).not.toContain(apiKey);
			const secrets = allSecrets();
			expect(secrets.length).toBeGreaterThan(0);
			expect(secrets.filter((secret) => log.includes(secret))).toEqual([]);
		});
	});
});
