import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';

/** What n8n's `httpRequestWithAuthentication` returns with `returnFullResponse: true`. */
export interface FakeResponse {
	statusCode: number;
	headers?: Record<string, string>;
	body: unknown;
}

export type Responder = (request: IHttpRequestOptions) => FakeResponse | Promise<FakeResponse>;

export interface FakeOptions {
	/** One parameter table per input item (expressions already resolved, as n8n hands them over). */
	params: Array<Record<string, unknown>>;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	respond?: Responder;
	apiKey?: string;
}

export interface Fake {
	context: IExecuteFunctions & ILoadOptionsFunctions;
	/** Every request sent, as the node built it, plus the key header n8n's authentication adds. */
	requests: IHttpRequestOptions[];
}

export const NODE: INode = {
	id: 'node-1',
	name: 'HeyGen',
	type: 'n8n-nodes-heygen.heyGen',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** A small stand-in for n8n's execute context: just what the HeyGen node touches. */
export function fakeExecuteFunctions(options: FakeOptions): Fake {
	const apiKey = options.apiKey ?? 'k';
	const items: INodeExecutionData[] = options.items ?? options.params.map(() => ({ json: {} }));
	const requests: IHttpRequestOptions[] = [];
	const respond: Responder =
		options.respond ?? (() => ({ statusCode: 500, body: { error: { message: 'no responder' } } }));

	const context = {
		getNode: () => NODE,
		getInputData: () => items,
		continueOnFail: () => options.continueOnFail ?? false,
		getCredentials: async () => ({ apiKey, baseUrl: 'http://heygen.test' }),
		getNodeParameter(
			name: string,
			itemIndex: number,
			fallback?: unknown,
			parameterOptions?: { extractValue?: boolean },
		): unknown {
			const table = options.params[itemIndex] ?? {};
			let value = table[name];
			if (value === undefined) {
				if (arguments.length >= 3) return fallback;
				throw new Error(`Could not get parameter "${name}"`);
			}
			if (parameterOptions?.extractValue && value !== null && typeof value === 'object' && 'value' in value) {
				value = (value as { value: unknown }).value;
			}
			return value;
		},
		logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
		helpers: {
			async httpRequestWithAuthentication(_credentialType: string, request: IHttpRequestOptions) {
				const sent = { ...request, headers: { ...request.headers, 'X-Api-Key': apiKey } };
				requests.push(sent);
				const response = await respond(sent);
				return { headers: {}, ...response };
			},
			async getBinaryDataBuffer(itemIndex: number, propertyName: string) {
				const binary = items[itemIndex]?.binary?.[propertyName];
				if (!binary) throw new Error(`No binary data "${propertyName}"`);
				return Buffer.from(binary.data, 'base64');
			},
		},
	};
	return { context: context as unknown as IExecuteFunctions & ILoadOptionsFunctions, requests };
}

export function binaryItem(rawBody: string, json: IDataObject = {}): INodeExecutionData {
	return {
		json,
		binary: {
			data: { data: Buffer.from(rawBody).toString('base64'), mimeType: 'application/json' },
		},
	};
}
