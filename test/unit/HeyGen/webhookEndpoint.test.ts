import { NodeApiError, NodeOperationError, type INodeExecutionData } from 'n8n-workflow';

import { HeyGen } from '../../../nodes/HeyGen/HeyGen.node';
import { fakeExecuteFunctions, type FakeOptions } from '../helpers/fakeExecuteFunctions';
import { FakeHeyGenApi } from '../helpers/fakeHeyGenApi';

const node = new HeyGen();

async function run(api: FakeHeyGenApi, params: Record<string, unknown>, options: Partial<FakeOptions> = {}) {
	const fake = fakeExecuteFunctions({
		respond: api.respond,
		params: [{ resource: 'webhookEndpoint', ...params }],
		...options,
	});
	const result = await node.execute.call(fake.context).then(
		([output]) => ({ output, error: undefined }),
		(error: unknown) => ({ output: [] as INodeExecutionData[], error: error as NodeApiError | NodeOperationError }),
	);
	return { ...result, requests: fake.requests };
}

const byId = (value: string) => ({ mode: 'id', value });

describe('Webhook Endpoint → Create', () => {
	it('registers the URL and outputs the signing secret, never the API key', async () => {
		const api = new FakeHeyGenApi();
		const { output, requests } = await run(
			api,
			{
				operation: 'create',
				url: ' https://hooks.example.com/new ',
				events: ['avatar_video.success'],
				options: { entityId: 'ent_1', idempotencyKey: 'key-1' },
			},
			{ apiKey: 'sk_live_very_secret_key' },
		);

		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({
			url: 'https://hooks.example.com/new',
			events: ['avatar_video.success'],
			secret: expect.stringMatching(/^whsec_/),
		});
		expect(JSON.stringify(output)).not.toContain('sk_live_very_secret_key');
		expect(requests[0].body).toEqual({
			url: 'https://hooks.example.com/new',
			events: ['avatar_video.success'],
			entity_id: 'ent_1',
		});
		expect(requests[0].headers).toMatchObject({ 'Idempotency-Key': 'key-1' });
		expect(api.endpoints[0]).toMatchObject({ url: 'https://hooks.example.com/new', entity_id: 'ent_1' });
	});

	it('withholds the signing secret when it runs as an AI agent\'s tool', async () => {
		for (const operation of ['create', 'rotateSecret']) {
			const api = new FakeHeyGenApi();
			const setup = await run(api, { operation: 'create', url: 'https://hooks.example.com/tool', events: [] });
			const endpointId = setup.output[0].json.endpoint_id as string;
			const fake = fakeExecuteFunctions({
				respond: api.respond,
				params: [{ resource: 'webhookEndpoint', operation, url: 'https://hooks.example.com/tool2', events: [], endpointId: byId(endpointId) }],
			});
			const node0 = fake.context.getNode();
			fake.context.getNode = () => ({ ...node0, type: 'n8n-nodes-heygen.heyGenTool' });
			const [output] = await node.execute.call(fake.context);
			expect(output[0].json.secret).toMatch(/^Withheld: signing secrets are not given to AI agents/);
			expect(JSON.stringify(output)).not.toMatch(/whsec_/);
		}
	});

	it('sends events: null (all events) when none are chosen, and an idempotency key of its own', async () => {
		const api = new FakeHeyGenApi();
		const { requests } = await run(api, { operation: 'create', url: 'https://hooks.example.com/a', events: [] });

		expect(requests[0].body).toEqual({ url: 'https://hooks.example.com/a', events: null });
		expect((requests[0].headers as Record<string, string>)['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('accepts events as comma-separated text, as an expression or an AI tool may give them', async () => {
		const api = new FakeHeyGenApi();
		const { requests } = await run(api, {
			operation: 'create',
			url: 'https://hooks.example.com/a',
			events: 'avatar_video.success, avatar_video.fail',
		});

		expect((requests[0].body as { events: string[] }).events).toEqual(['avatar_video.success', 'avatar_video.fail']);
	});

	it('explains HeyGen\'s URL requirements when HeyGen refuses a non-HTTPS URL', async () => {
		const api = new FakeHeyGenApi();
		const { error } = await run(api, { operation: 'create', url: 'http://localhost:5678/webhook/x', events: [] });

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe('url must be a public HTTPS URL');
		expect(error?.description).toContain('publicly reachable HTTPS URL that answers an OPTIONS request within 1 second');
		expect(error?.description).toContain('not HTTPS');
		expect(error?.description).toContain('HeyGen error code: invalid_parameter');
		expect(error?.description).not.toContain('N8N_WEBHOOK_URL');
	});
});

describe('Webhook Endpoint → Get', () => {
	it('finds the endpoint by listing, across pages', async () => {
		const api = new FakeHeyGenApi();
		for (let i = 0; i < 150; i++) api.addEndpoint();
		const { output, requests } = await run(api, { operation: 'get', endpointId: byId('ep_120') });

		expect(output.map((item) => item.json.endpoint_id)).toEqual(['ep_120']);
		expect(requests.length).toBe(2);
	});

	it('says "Webhook endpoint … not found" when there is no such endpoint', async () => {
		const api = new FakeHeyGenApi();
		api.addEndpoint();
		const { error } = await run(api, { operation: 'get', endpointId: byId('ep_nope') });

		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe('Webhook endpoint ep_nope not found');
	});
});

describe('Webhook Endpoint → Get Many', () => {
	it('follows the cursor to the end with Return All', async () => {
		const api = new FakeHeyGenApi();
		for (let i = 0; i < 230; i++) api.addEndpoint();
		const { output, requests } = await run(api, { operation: 'getAll', returnAll: true, limit: 5 });

		expect(output).toHaveLength(230);
		expect(new Set(output.map((item) => item.json.endpoint_id)).size).toBe(230);
		expect(requests.map((request) => request.qs)).toEqual([
			{ limit: 100 },
			{ limit: 100, token: 'cursor_100' },
			{ limit: 100, token: 'cursor_200' },
		]);
	});

	it('stops at the limit, asking only for what is still needed', async () => {
		const api = new FakeHeyGenApi();
		for (let i = 0; i < 230; i++) api.addEndpoint();
		const { output, requests } = await run(api, { operation: 'getAll', returnAll: false, limit: 120 });

		expect(output.map((item) => item.json.endpoint_id)).toEqual(api.endpoints.slice(0, 120).map((e) => e.endpoint_id));
		expect(requests.map((request) => request.qs)).toEqual([{ limit: 100 }, { limit: 20, token: 'cursor_100' }]);
	});
});

describe('Webhook Endpoint → Update', () => {
	it('replaces the whole events list', async () => {
		const api = new FakeHeyGenApi();
		const endpoint = api.addEndpoint({ events: ['avatar_video.success', 'avatar_video.fail'] });
		const { output, requests } = await run(api, {
			operation: 'update',
			endpointId: byId(endpoint.endpoint_id),
			updateFields: { events: ['video_translate.success'] },
		});

		expect(requests[0]).toMatchObject({ method: 'PATCH', body: { events: ['video_translate.success'] } });
		expect(api.endpoints[0].events).toEqual(['video_translate.success']);
		expect(output[0].json.events).toEqual(['video_translate.success']);
	});

	it('sends events: null for "All Events", and a new URL', async () => {
		const api = new FakeHeyGenApi();
		const endpoint = api.addEndpoint({ events: ['avatar_video.success'] });
		const { requests } = await run(api, {
			operation: 'update',
			endpointId: byId(endpoint.endpoint_id),
			updateFields: { allEvents: true, url: 'https://hooks.example.com/moved' },
		});

		expect(requests[0].body).toEqual({ url: 'https://hooks.example.com/moved', events: null });
		expect(api.endpoints[0]).toMatchObject({ events: null, url: 'https://hooks.example.com/moved' });
	});

	it('refuses to send nothing, or both "All Events" and a list', async () => {
		const api = new FakeHeyGenApi();
		const endpoint = api.addEndpoint();
		const none = await run(api, { operation: 'update', endpointId: byId(endpoint.endpoint_id), updateFields: {} });
		const both = await run(api, {
			operation: 'update',
			endpointId: byId(endpoint.endpoint_id),
			updateFields: { allEvents: true, events: ['avatar_video.success'] },
		});

		expect(none.error).toBeInstanceOf(NodeOperationError);
		expect(none.error?.message).toBe('Nothing to update');
		expect(both.error).toBeInstanceOf(NodeOperationError);
		expect(none.requests.length + both.requests.length).toBe(0);
	});

	it('names the endpoint when HeyGen does not know it', async () => {
		const { error } = await run(new FakeHeyGenApi(), {
			operation: 'update',
			endpointId: byId('ep_gone'),
			updateFields: { url: 'https://hooks.example.com/x' },
		});

		expect(error?.message).toBe('Webhook endpoint ep_gone not found');
	});
});

describe('Webhook Endpoint → Delete', () => {
	it('deletes and says what it deleted', async () => {
		const api = new FakeHeyGenApi();
		const endpoint = api.addEndpoint();
		const { output } = await run(api, { operation: 'delete', endpointId: byId(endpoint.endpoint_id) });

		expect(output).toEqual([{ json: { deleted: true, endpoint_id: endpoint.endpoint_id }, pairedItem: { item: 0 } }]);
		expect(api.endpoints).toHaveLength(0);
	});

	it('turns HeyGen\'s 404 into "Webhook endpoint … not found", keeping HeyGen\'s code', async () => {
		const { error } = await run(new FakeHeyGenApi(), { operation: 'delete', endpointId: byId('ep_gone') });

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe('Webhook endpoint ep_gone not found');
		expect(error?.description).toContain('HeyGen error code: not_found');
		expect(error?.description).toContain('HeyGen said: Webhook endpoint not found.');
	});
});

describe('Webhook Endpoint → Rotate Secret', () => {
	it('outputs the new secret', async () => {
		const api = new FakeHeyGenApi();
		const endpoint = api.addEndpoint();
		const { output, requests } = await run(api, { operation: 'rotateSecret', endpointId: byId(endpoint.endpoint_id) });

		expect(output[0].json).toEqual({ endpoint_id: endpoint.endpoint_id, secret: 'whsec_rotated_ep_1' });
		expect(requests[0].url).toBe(`http://heygen.test/v3/webhooks/endpoints/${endpoint.endpoint_id}/rotate-secret`);
	});

	it('names the endpoint when HeyGen does not know it', async () => {
		const { error } = await run(new FakeHeyGenApi(), { operation: 'rotateSecret', endpointId: byId('ep_gone') });

		expect(error?.message).toBe('Webhook endpoint ep_gone not found');
	});
});
