import type { INode } from 'n8n-workflow';

import { isHeyGenId } from '../../../nodes/shared/heyGenId';
import { PACKAGE } from '../../support/n8nCore';
import { useSandbox } from '../../support/sandboxFixture';

const OTHER_KEY = 'sk_live_very_secret_key';
const heygen = useSandbox({ apiKeys: ['sandbox-api-key', OTHER_KEY] });

const byId = (value: string) => ({ __rl: true, mode: 'id', value });

async function run(parameters: INode['parameters'], options: { apiKey?: string; type?: string } = {}) {
	const result = await heygen.run([{}], { resource: 'webhookEndpoint', ...parameters }, options);
	return { output: result.output('HeyGen'), error: result.error, calls: heygen.calls() };
}

describe('Webhook Endpoint → Create', () => {
	it('registers the URL and outputs the signing secret, never the API key', async () => {
		const url = `${heygen.receiver.url}/new`;
		const { output, calls } = await run(
			{
				operation: 'create',
				url: ` ${url} `,
				events: ['avatar_video.success'],
				options: { entityId: 'ent_1', idempotencyKey: 'key-1' },
			},
			{ apiKey: OTHER_KEY },
		);

		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({ url, events: ['avatar_video.success'], secret: expect.stringMatching(/^whsec_/) });
		expect(JSON.stringify(output)).not.toContain(OTHER_KEY);
		expect(calls).toMatchObject([
			{
				method: 'POST',
				path: '/v3/webhooks/endpoints',
				body: { url, events: ['avatar_video.success'], entity_id: 'ent_1' },
				idempotency_key: 'key-1',
				account: heygen.sandbox.accounts()[1].name,
			},
		]);
		expect(heygen.sandbox.listEndpoints(OTHER_KEY)).toMatchObject([{ url, entity_id: 'ent_1' }]);
	});

	it.each(['create', 'rotateSecret'])('withholds the signing secret when it runs as an AI agent\'s tool (%s)', async (operation) => {
		const [endpoint] = await heygen.addEndpoints(1);

		const { output } = await run(
			{ operation, url: `${heygen.receiver.url}/tool`, events: [], endpointId: byId(endpoint.endpoint_id) },
			{ type: `${PACKAGE}.heyGenTool` },
		);

		expect(output[0].json.secret).toMatch(/^Withheld: signing secrets are not given to AI agents/);
		expect(JSON.stringify(output)).not.toMatch(/whsec_/);
	});

	it('sends events: null (all events) when none are chosen, and an idempotency key of its own', async () => {
		const url = `${heygen.receiver.url}/a`;
		const { calls } = await run({ operation: 'create', url, events: [] });

		expect(calls[0].body).toEqual({ url, events: null });
		expect(calls[0].idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('accepts events as comma-separated text from an expression, as an AI tool may give them', async () => {
		const { calls } = await run({
			operation: 'create',
			url: `${heygen.receiver.url}/a`,
			events: '={{ "avatar_video.success, avatar_video.fail" }}',
		});

		expect((calls[0].body as { events: string[] }).events).toEqual(['avatar_video.success', 'avatar_video.fail']);
	});

	it('explains HeyGen\'s URL requirements when HeyGen refuses a non-HTTPS URL', async () => {
		const { error } = await run({ operation: 'create', url: 'http://n8n.example.com/webhook/x', events: [] });

		expect(error?.name).toBe('HeyGenApiError');
		expect(error?.message).toMatch(/^url must use HTTPS/);
		expect(error?.description).toContain('publicly reachable HTTPS URL that answers an OPTIONS request within 1 second');
		expect(error?.description).toContain('not HTTPS');
		expect(error?.description).toContain('HeyGen error code: invalid_parameter');
		expect(error?.description).not.toContain('N8N_WEBHOOK_URL');
	});
});

describe('Webhook Endpoint → Get', () => {
	it('finds the endpoint by listing, across pages', async () => {
		const endpoints = await heygen.addEndpoints(150);
		const { output, calls } = await run({ operation: 'get', endpointId: byId(endpoints[119].endpoint_id) });

		expect(output.map((item) => item.json.endpoint_id)).toEqual([endpoints[119].endpoint_id]);
		expect(calls.map((call) => [call.method, call.path])).toEqual([
			['GET', '/v3/webhooks/endpoints'],
			['GET', '/v3/webhooks/endpoints'],
		]);
	});

	it('says "Webhook endpoint … not found" when there is no such endpoint', async () => {
		await heygen.addEndpoints(1);
		const { error } = await run({ operation: 'get', endpointId: byId('ep_nope') });

		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe('Webhook endpoint ep_nope not found');
	});
});

describe('Webhook Endpoint → Get Many', () => {
	it('follows the cursor to the end with Return All', async () => {
		await heygen.addEndpoints(230);
		const { output, calls } = await run({ operation: 'getAll', returnAll: true, limit: 5 });

		expect(output).toHaveLength(230);
		expect(new Set(output.map((item) => item.json.endpoint_id)).size).toBe(230);
		expect(calls.map((call) => call.query.limit)).toEqual(['100', '100', '100']);
		expect(calls.map((call) => call.query.token === undefined)).toEqual([true, false, false]);
	});

	it('stops at the limit, asking only for what is still needed', async () => {
		const endpoints = await heygen.addEndpoints(230);
		const { output, calls } = await run({ operation: 'getAll', returnAll: false, limit: 120 });

		expect(output.map((item) => item.json.endpoint_id)).toEqual(endpoints.slice(0, 120).map((e) => e.endpoint_id));
		expect(calls.map((call) => call.query.limit)).toEqual(['100', '20']);
	});
});

describe('Webhook Endpoint → Update', () => {
	it('replaces the whole events list', async () => {
		const [endpoint] = await heygen.addEndpoints(1, { events: ['avatar_video.success', 'avatar_video.fail'] });
		const { output, calls } = await run({
			operation: 'update',
			endpointId: byId(endpoint.endpoint_id),
			updateFields: { events: ['video_translate.success'] },
		});

		expect(calls[0]).toMatchObject({ method: 'PATCH', body: { events: ['video_translate.success'] } });
		expect(heygen.sandbox.listEndpoints()[0].events).toEqual(['video_translate.success']);
		expect(output[0].json.events).toEqual(['video_translate.success']);
	});

	it('sends events: null for "All Events", and a new URL', async () => {
		const [endpoint] = await heygen.addEndpoints(1, { events: ['avatar_video.success'] });
		const moved = `${heygen.receiver.url}/moved`;
		const { calls } = await run({
			operation: 'update',
			endpointId: byId(endpoint.endpoint_id),
			updateFields: { allEvents: true, url: moved },
		});

		expect(calls[0].body).toEqual({ url: moved, events: null });
		expect(heygen.sandbox.listEndpoints()[0]).toMatchObject({ events: null, url: moved });
	});

	it('refuses to send nothing, or both "All Events" and a list', async () => {
		const [endpoint] = await heygen.addEndpoints(1);
		const none = await run({ operation: 'update', endpointId: byId(endpoint.endpoint_id), updateFields: {} });
		const both = await run({
			operation: 'update',
			endpointId: byId(endpoint.endpoint_id),
			updateFields: { allEvents: true, events: ['avatar_video.success'] },
		});

		expect(none.error).toMatchObject({ name: 'NodeOperationError', message: 'Nothing to update' });
		expect(both.error?.name).toBe('NodeOperationError');
		expect(heygen.calls()).toEqual([]);
	});

	it('names the endpoint when HeyGen does not know it', async () => {
		const { error } = await run({
			operation: 'update',
			endpointId: byId('ep_gone'),
			updateFields: { url: `${heygen.receiver.url}/x` },
		});

		expect(error?.message).toBe('Webhook endpoint ep_gone not found');
	});
});

describe('Webhook Endpoint → Delete', () => {
	it('deletes and says what it deleted', async () => {
		const [endpoint] = await heygen.addEndpoints(1);
		const { output } = await run({ operation: 'delete', endpointId: byId(endpoint.endpoint_id) });

		expect(output).toEqual([{ json: { deleted: true, endpoint_id: endpoint.endpoint_id }, pairedItem: { item: 0 } }]);
		expect(heygen.sandbox.listEndpoints()).toHaveLength(0);
	});

	it('turns HeyGen\'s 404 into "Webhook endpoint … not found", keeping HeyGen\'s code and words', async () => {
		const { error } = await run({ operation: 'delete', endpointId: byId('ep_gone') });

		expect(error?.name).toBe('HeyGenApiError');
		expect(error?.message).toBe('Webhook endpoint ep_gone not found');
		expect(error?.description).toContain('HeyGen error code: not_found');
		expect(error?.description).toMatch(/HeyGen said: .+/);
	});
});

describe('Webhook Endpoint → Rotate Secret', () => {
	it('outputs the new secret, which signs from then on', async () => {
		const [endpoint] = await heygen.addEndpoints(1);
		const { output, calls } = await run({ operation: 'rotateSecret', endpointId: byId(endpoint.endpoint_id) });

		const rotated = heygen.sandbox.listEndpoints()[0].secret;
		expect(rotated).not.toBe(endpoint.secret);
		expect(output[0].json).toEqual({ endpoint_id: endpoint.endpoint_id, secret: rotated });
		expect(calls[0]).toMatchObject({ method: 'POST', path: `/v3/webhooks/endpoints/${endpoint.endpoint_id}/rotate-secret` });
	});

	it('names the endpoint when HeyGen does not know it', async () => {
		const { error } = await run({ operation: 'rotateSecret', endpointId: byId('ep_gone') });

		expect(error?.message).toBe('Webhook endpoint ep_gone not found');
	});
});

describe('Webhook Endpoint IDs are checked before they become part of a URL', () => {
	it.each([
		['rotateSecret', '..'],
		['delete', '../rotate-secret'],
		['update', 'ep_1?x=1'],
		['get', 'ep 1'],
		['delete', '%2e%2e'],
	])('%s with the ID %j from an expression (as an AI agent gives it): a clear error, and no call to HeyGen', async (operation, endpointId) => {
		const result = await heygen.run([{ id: endpointId }], {
			resource: 'webhookEndpoint',
			operation,
			endpointId: byId('={{ $json.id }}'),
			updateFields: { allEvents: true },
		});

		expect(result.error?.message).toBe(`"${endpointId}" is not a HeyGen webhook endpoint ID`);
		expect(heygen.calls()).toEqual([]);
	});

	it('a typed ID of another shape is flagged in the editor, and n8n refuses to run the node', async () => {
		await expect(run({ operation: 'rotateSecret', endpointId: byId('..') })).rejects.toThrow('Letters, digits, "_" and "-" only');
		expect(heygen.calls()).toEqual([]);
	});

	it('accepts both shapes HeyGen uses: ep_… and 32 hex characters', () => {
		for (const id of ['ep_abc123', '0123456789abcdef0123456789abcdef', 'ep-ABC_9']) expect(isHeyGenId(id)).toBe(true);
		for (const id of ['', '..', '.', 'ep/1', 'ep_1#', '_ep', 'x'.repeat(129)]) expect(isHeyGenId(id)).toBe(false);
	});
});
