import { useSandbox } from '../../support/sandboxFixture';

const heygen = useSandbox();

describe('HeyGen node in a workflow: items, expressions, pairing and errors', () => {
	it('resolves each item\'s expressions and pairs every output with its input', async () => {
		const [first, second] = await heygen.addEndpoints(2);

		const result = await heygen.run([{ id: second.endpoint_id }, { id: first.endpoint_id }, { id: second.endpoint_id }], {
			resource: 'webhookEndpoint',
			operation: 'get',
			endpointId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		});

		expect(result.error).toBeUndefined();
		expect(result.output('HeyGen').map((item) => [item.pairedItem, item.json.endpoint_id])).toEqual([
			[{ item: 0 }, second.endpoint_id],
			[{ item: 1 }, first.endpoint_id],
			[{ item: 2 }, second.endpoint_id],
		]);
	});

	it('pairs every item of a list with the input item that asked for it', async () => {
		const result = await heygen.run([{}, {}], { resource: 'eventType', operation: 'getAll' });

		const eventTypes = heygen.sandbox.eventTypes().map((type) => type.event_type);
		expect(result.output('HeyGen').map((item) => [item.pairedItem, item.json.event_type])).toEqual([
			...eventTypes.map((eventType) => [{ item: 0 }, eventType]),
			...eventTypes.map((eventType) => [{ item: 1 }, eventType]),
		]);
	});

	it('keeps Resource and Operation fixed: n8n does not evaluate expressions there', async () => {
		const result = await heygen.run([{ resource: 'eventType' }], { resource: '={{ $json.resource }}', operation: 'getAll' });

		expect(result.error?.message).toBe('The operation "" is not supported for resource "{{ $json.resource }}"');
		expect(heygen.calls()).toEqual([]);
	});

	it('under "On Error: Continue" turns a failed item into an error item, paired, and carries on', async () => {
		const [endpoint] = await heygen.addEndpoints(1);

		const result = await heygen.run(
			[{ id: 'ep_missing' }, { id: endpoint.endpoint_id }, { id: endpoint.endpoint_id }],
			{ resource: 'webhookEndpoint', operation: 'delete', endpointId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			{ continueOnFail: true },
		);

		expect(result.error).toBeUndefined();
		expect(result.output('HeyGen')).toEqual([
			{ json: { error: 'Webhook endpoint ep_missing not found' }, pairedItem: { item: 0 } },
			{ json: { deleted: true, endpoint_id: endpoint.endpoint_id }, pairedItem: { item: 1 } },
			{ json: { error: `Webhook endpoint ${endpoint.endpoint_id} not found` }, pairedItem: { item: 2 } },
		]);
		expect(heygen.sandbox.listEndpoints()).toEqual([]);
	});

	it('otherwise stops the workflow with an n8n error that names the failing item', async () => {
		const [endpoint] = await heygen.addEndpoints(1);

		const result = await heygen.run([{ id: endpoint.endpoint_id }, { id: 'ep_missing' }], {
			resource: 'webhookEndpoint',
			operation: 'delete',
			endpointId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		});

		expect(result.error).toMatchObject({
			name: 'HeyGenApiError',
			message: 'Webhook endpoint ep_missing not found',
			context: { itemIndex: 1 },
		});
		expect(result.run.data.resultData.lastNodeExecuted).toBe('HeyGen');
		expect(result.output('HeyGen')).toEqual([]);
		expect(heygen.sandbox.listEndpoints()).toEqual([]);
	});

	it('reports an unknown operation as a NodeOperationError', async () => {
		const result = await heygen.run([{}], { resource: 'webhookEndpoint', operation: 'explode' });

		expect(result.error).toMatchObject({ name: 'NodeOperationError', context: { itemIndex: 0 } });
	});
});

describe('HeyGen node in a workflow: n8n\'s "Custom API Call" option', () => {
	it.each([
		['as resource (no operation parameter then)', { resource: '__CUSTOM_API_CALL__' }],
		['as operation', { resource: 'webhookEndpoint', operation: '__CUSTOM_API_CALL__' }],
	])('chosen %s ends in a message that says how to make the call', async (_case, parameters) => {
		const result = await heygen.run([{}], parameters);

		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(/HTTP Request node/);
		expect(result.error?.description).toMatch(/Predefined Credential Type.*HeyGen API/);
		expect(heygen.calls()).toEqual([]);
	});
});
