// The pieces n8n's own server supplies around n8n-core's engine, cut down to what a workflow with
// the HeyGen nodes touches: the node types, a credentials helper and the execution's additional data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ExternalSecretsProxy } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentials,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
} from 'n8n-workflow';

import { HeyGenWebhooksApi } from '../../credentials/HeyGenWebhooksApi.credentials';
import { HeyGen } from '../../nodes/HeyGen/HeyGen.node';
import { HeyGenTrigger } from '../../nodes/HeyGenTrigger/HeyGenTrigger.node';

// n8n-core reads its instance settings (an encryption key in a settings file) from the user
// folder: one throw-away folder per test file.
const userFolder = mkdtempSync(path.join(tmpdir(), 'heygen-workflow-tier-'));
process.env.N8N_USER_FOLDER = userFolder;
afterAll(() => rmSync(userFolder, { recursive: true, force: true }));
// Node errors are the tests' to read; n8n's error reporter would log each one too.
process.env.N8N_LOG_LEVEL ??= 'silent';

export const PACKAGE = 'n8n-nodes-heygen-webhooks';

/** A start node for tests: outputs the items written into its `items` parameter. */
class Items implements INodeType {
	description: INodeType['description'] = {
		displayName: 'Items',
		name: 'items',
		group: ['input'],
		version: 1,
		description: 'Outputs the items given in its parameter',
		defaults: { name: 'Items' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getNodeParameter('items', 0) as INodeExecutionData[];
		return [items.map((item) => ({ ...item, json: item.json ?? {} }))];
	}
}

const nodeTypes: Record<string, INodeType> = {
	[`${PACKAGE}.heyGen`]: new HeyGen(),
	// How n8n names the node when an AI agent uses it as a tool.
	[`${PACKAGE}.heyGenTool`]: new HeyGen(),
	[`${PACKAGE}.heyGenTrigger`]: new HeyGenTrigger(),
	'test.items': new Items(),
};

export const NODE_TYPES: INodeTypes = {
	getByName: (type) => nodeTypes[type],
	getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(nodeTypes[type], version),
	getKnownTypes: () => ({}),
};

const credentialTypes: Record<string, ICredentialType> = {
	[new HeyGenWebhooksApi().name]: new HeyGenWebhooksApi(),
};

/**
 * Hands out the test's credential data and signs requests the way n8n's server does: a credential
 * type's `authenticate` function, or its generic properties resolved as n8n expressions.
 */
export class CredentialsHelper extends ICredentialsHelper {
	constructor(private readonly credentials: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string) {
		const data = this.credentials[type];
		if (!data) throw new Error(`The test gave no credentials of type "${type}"`);
		return data;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = credentialTypes[typeName]?.authenticate;
		if (authenticate === undefined) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!workflow || !node) throw new Error('Generic authentication needs the workflow and node');
		const resolve = (value: string) =>
			String(workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }));
		const signed = { ...requestOptions } as IHttpRequestOptions & Record<string, Record<string, unknown>>;
		for (const [outerKey, values] of Object.entries(authenticate.properties)) {
			const target = { ...(signed[outerKey] ?? {}) };
			for (const [key, value] of Object.entries(values as Record<string, string>)) target[resolve(key)] = resolve(value);
			signed[outerKey] = target;
		}
		return signed;
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used: the tier hands out decrypted credentials only');
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties() {
		return credentialTypes[HeyGenWebhooksApi.name]?.properties ?? [];
	}
}

export interface AdditionalDataOptions {
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** Where n8n would serve this instance's production webhooks, ending in `/webhook`. */
	webhookBaseUrl?: string;
}

/** What n8n's server passes to every node context: URLs, the credentials helper, no sub-workflows. */
export function additionalData(options: AdditionalDataOptions): IWorkflowExecuteAdditionalData {
	const webhookBaseUrl = options.webhookBaseUrl ?? 'http://127.0.0.1:5678/webhook';
	const refuse = async (): Promise<never> => {
		throw new Error('not available in the workflow tier');
	};
	return {
		credentialsHelper: new CredentialsHelper(options.credentials),
		executeWorkflow: refuse,
		getRunExecutionData: refuse,
		getRuntimeCredential: refuse,
		startRunnerTask: refuse,
		logAiEvent: () => {},
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		webhookBaseUrl,
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: `${webhookBaseUrl}-test`,
		mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
	} as IWorkflowExecuteAdditionalData;
}
