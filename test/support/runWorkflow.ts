import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import {
	Workflow,
	type ExecutionBaseError,
	type ICredentialDataDecryptedObject,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type IRun,
} from 'n8n-workflow';

import { additionalData, NODE_TYPES, PACKAGE } from './n8nCore';

export interface WorkflowJson {
	nodes: INode[];
	connections: IConnections;
}

export interface WorkflowResult {
	run: IRun;
	/** The items a node output on its first run (main output 0), as the next node receives them. */
	output(nodeName: string): INodeExecutionData[];
	/** The error that stopped the workflow, if one did. */
	error: ExecutionBaseError | undefined;
}

/** Runs workflow JSON through n8n-core's WorkflowExecute, from its first node, as a manual execution. */
export async function runWorkflow(
	json: WorkflowJson,
	credentials: Record<string, ICredentialDataDecryptedObject>,
): Promise<WorkflowResult> {
	const workflow = new Workflow({
		id: 'workflow-tier',
		name: 'workflow tier',
		nodes: json.nodes,
		connections: json.connections,
		active: false,
		nodeTypes: NODE_TYPES,
		settings: { executionOrder: 'v1' },
	});
	const data = additionalData({ credentials });
	data.hooks = new ExecutionLifecycleHooks('manual', 'execution-1', {
		id: workflow.id,
		name: workflow.name ?? '',
		nodes: json.nodes,
		connections: json.connections,
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	});
	const run = await new WorkflowExecute(data, 'manual').run({ workflow, startNode: json.nodes[0] });
	return {
		run,
		output: (nodeName) => run.data.resultData.runData[nodeName]?.[0]?.data?.main[0] ?? [],
		error: run.data.resultData.error,
	};
}

export const HEYGEN_CREDENTIALS = 'heyGenWebhooksApi';

export interface HeyGenNodeOptions {
	/** n8n's "On Error" setting of the node: stop, or continue with the error as an item. */
	continueOnFail?: boolean;
	/** The node's type; `heyGenTool` is how n8n runs it for an AI agent. */
	type?: string;
	/** The node's version (default 1, as workflows saved before version 2 have it). */
	typeVersion?: number;
	/** Credentials the node has besides the HeyGen API one, by type. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
}

/** Workflow JSON as the editor saves it: an Items node with the input, then one HeyGen node. */
export function heyGenWorkflow(
	items: IDataObject[] | INodeExecutionData[],
	parameters: INode['parameters'],
	options: HeyGenNodeOptions = {},
): WorkflowJson {
	const input = items.map((item) => ('json' in item ? item : { json: item }));
	return {
		nodes: [
			{
				id: 'items',
				name: 'Items',
				type: 'test.items',
				typeVersion: 1,
				position: [0, 0],
				parameters: { items: input as unknown as INode['parameters'][] },
			},
			{
				id: 'heygen',
				name: 'HeyGen',
				type: options.type ?? `${PACKAGE}.heyGen`,
				typeVersion: options.typeVersion ?? 1,
				position: [200, 0],
				parameters,
				credentials: {
					[HEYGEN_CREDENTIALS]: { id: '1', name: 'HeyGen (sandbox)' },
					...Object.fromEntries(Object.keys(options.credentials ?? {}).map((type) => [type, { id: type, name: type }])),
				},
				...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			},
		],
		connections: { Items: { main: [[{ node: 'HeyGen', type: 'main', index: 0 }]] } },
	};
}

/** The context n8n gives a node's list-search and load-options methods while the editor is open. */
export function loadOptionsContext(
	json: WorkflowJson,
	nodeName: string,
	credentials: Record<string, ICredentialDataDecryptedObject>,
): LoadOptionsContext {
	const workflow = new Workflow({ nodes: json.nodes, connections: json.connections, active: false, nodeTypes: NODE_TYPES });
	const node = workflow.getNode(nodeName);
	if (!node) throw new Error(`No node "${nodeName}" in the workflow`);
	return new LoadOptionsContext(workflow, node, additionalData({ credentials }), '');
}
