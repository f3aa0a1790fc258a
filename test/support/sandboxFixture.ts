import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { heygen } from './heygenClient';
import { startReceiver, type Receiver } from './receiver';
import { HeyGenSandbox, type CallRecord, type EndpointRecord } from '../../dev/heygen-sandbox/server';
import type { LoadOptionsContext } from 'n8n-core';
import { HEYGEN_CREDENTIALS, heyGenWorkflow, loadOptionsContext, runWorkflow, type HeyGenNodeOptions, type WorkflowResult } from './runWorkflow';

export const API_KEY = 'sandbox-api-key';

export interface SandboxFixture {
	readonly sandbox: HeyGenSandbox;
	/** Answers the sandbox's OPTIONS probe, so endpoints can point at it. */
	readonly receiver: Receiver;
	/** Runs Items → HeyGen with a credential for the sandbox. */
	run(
		items: IDataObject[] | INodeExecutionData[],
		parameters: INode['parameters'],
		options?: HeyGenNodeOptions & { apiKey?: string },
	): Promise<WorkflowResult>;
	/** The context of the HeyGen node's list-search and load-options methods, with a sandbox credential. */
	loadOptions(): LoadOptionsContext;
	/** Registers endpoints on the receiver through the sandbox's API, in order. */
	addEndpoints(count: number, fields?: { events?: string[] | null; entity_id?: string }): Promise<EndpointRecord[]>;
	/** The HeyGen API calls the workflow made (the sandbox's log; never the key). */
	calls(): CallRecord[];
}

/** One sandbox and receiver per test file, emptied before every test: no test depends on another. */
export function useSandbox(options: { apiKeys?: string[] } = {}): SandboxFixture {
	let sandbox: HeyGenSandbox;
	let receiver: Receiver;
	let endpointCount = 0;
	/** Calls made by the test's own set-up, left out of `calls()`. */
	let setupCalls = 0;

	beforeAll(async () => {
		sandbox = await HeyGenSandbox.start({ apiKeys: options.apiKeys, retryScheduleMs: [] });
		receiver = await startReceiver();
	});
	beforeEach(() => {
		sandbox.reset();
		setupCalls = 0;
	});
	afterAll(async () => {
		await sandbox?.stop();
		await receiver?.close();
	});

	return {
		get sandbox() {
			return sandbox;
		},
		get receiver() {
			return receiver;
		},
		run: async (items, parameters, { apiKey = API_KEY, ...nodeOptions } = {}) =>
			await runWorkflow(heyGenWorkflow(items, parameters, nodeOptions), {
				[HEYGEN_CREDENTIALS]: { apiKey, baseUrl: sandbox.url },
				...nodeOptions.credentials,
			}),
		loadOptions: () =>
			loadOptionsContext(heyGenWorkflow([], {}), 'HeyGen', {
				[HEYGEN_CREDENTIALS]: { apiKey: API_KEY, baseUrl: sandbox.url },
			}),
		async addEndpoints(count, fields = {}) {
			const client = heygen(sandbox.url, API_KEY);
			const created: EndpointRecord[] = [];
			for (let i = 0; i < count; i++) {
				const url = `${receiver.url}/${++endpointCount}`;
				const response = await client.post<{ data: EndpointRecord }>('/v3/webhooks/endpoints', { url, events: null, ...fields });
				if (response.status !== 200) throw new Error(`sandbox refused an endpoint: ${JSON.stringify(response.data)}`);
				created.push(response.data.data);
			}
			setupCalls = sandbox.calls().length;
			return created;
		},
		calls: () => sandbox.calls().slice(setupCalls),
	};
}
