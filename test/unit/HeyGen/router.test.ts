import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { HeyGen } from '../../../nodes/HeyGen/HeyGen.node';
import { fakeExecuteFunctions } from '../helpers/fakeExecuteFunctions';
import { FakeHeyGenApi } from '../helpers/fakeHeyGenApi';

const node = new HeyGen();

describe('HeyGen node: items, pairing and errors', () => {
	it('runs each item with its own parameters and pairs every output with its input', async () => {
		const api = new FakeHeyGenApi();
		const first = api.addEndpoint();
		const second = api.addEndpoint();
		const { context } = fakeExecuteFunctions({
			respond: api.respond,
			params: [
				{ resource: 'webhookEndpoint', operation: 'get', endpointId: { mode: 'id', value: second.endpoint_id } },
				{ resource: 'eventType', operation: 'getAll' },
				{ resource: 'webhookEndpoint', operation: 'get', endpointId: { mode: 'list', value: first.endpoint_id } },
			],
		});

		const [output] = await node.execute.call(context);

		expect(output.map((item) => [item.pairedItem, item.json.endpoint_id ?? item.json.event_type])).toEqual([
			[{ item: 0 }, second.endpoint_id],
			[{ item: 1 }, 'avatar_video.success'],
			[{ item: 1 }, 'avatar_video.fail'],
			[{ item: 2 }, first.endpoint_id],
		]);
	});

	it('under "continue on fail" turns a failed item into an error item and carries on', async () => {
		const api = new FakeHeyGenApi();
		const endpoint = api.addEndpoint();
		const { context } = fakeExecuteFunctions({
			respond: api.respond,
			continueOnFail: true,
			params: [
				{ resource: 'webhookEndpoint', operation: 'delete', endpointId: { mode: 'id', value: 'ep_missing' } },
				{ resource: 'webhookEndpoint', operation: 'delete', endpointId: { mode: 'id', value: endpoint.endpoint_id } },
				{ resource: 'webhookEndpoint', operation: 'update', endpointId: { mode: 'id', value: endpoint.endpoint_id }, updateFields: {} },
			],
		});

		const [output] = await node.execute.call(context);

		expect(output).toEqual([
			{ json: { error: 'Webhook endpoint ep_missing not found' }, pairedItem: { item: 0 } },
			{ json: { deleted: true, endpoint_id: endpoint.endpoint_id }, pairedItem: { item: 1 } },
			{ json: { error: 'Nothing to update' }, pairedItem: { item: 2 } },
		]);
	});

	it('otherwise stops with an n8n error that names the failing item', async () => {
		const api = new FakeHeyGenApi();
		api.addEndpoint();
		const { context } = fakeExecuteFunctions({
			respond: api.respond,
			params: [
				{ resource: 'webhookEndpoint', operation: 'getAll', returnAll: true },
				{ resource: 'webhookEndpoint', operation: 'delete', endpointId: { mode: 'id', value: 'ep_missing' } },
			],
		});

		const error = await node.execute.call(context).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).context.itemIndex).toBe(1);
	});

	it('reports an unknown operation as a NodeOperationError', async () => {
		const { context } = fakeExecuteFunctions({ params: [{ resource: 'webhookEndpoint', operation: 'explode' }] });

		const error = await node.execute.call(context).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).context.itemIndex).toBe(0);
	});
});

describe('HeyGen node: n8n\'s "Custom API Call" option', () => {
	it.each([
		['as resource (no operation parameter then)', { resource: '__CUSTOM_API_CALL__' }],
		['as operation', { resource: 'webhookEndpoint', operation: '__CUSTOM_API_CALL__' }],
	])('chosen %s ends in a message that says how to make the call', async (_case, params) => {
		const { context, requests } = fakeExecuteFunctions({ params: [params] });

		const error = await node.execute.call(context).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toMatch(/HTTP Request node/);
		expect((error as NodeOperationError).description).toMatch(/Predefined Credential Type.*HeyGen API/);
		expect(requests).toEqual([]);
	});
});
