import {
	NodeOperationError,
	type IDataObject,
	type IDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { HEYGEN_WEBHOOK_SECRET_CREDENTIAL_TYPE } from '../../../../credentials/HeyGenWebhookSecretApi.credentials';
import { parseDelivery } from '../../../shared/deliveryItem';
import {
	DEFAULT_TOLERANCE_SECONDS,
	EVENT_ID_HEADER,
	readHeader,
	timestampToleranceField,
	verifySignature,
} from '../../../shared/signature';

const showOnlyForVerify = { show: { resource: ['signature'], operation: ['verify'] } };

function secretSourceField(defaultSource: 'credential' | 'parameter', versions: NonNullable<IDisplayOptions['show']>['@version']): INodeProperties {
	return {
		displayName: 'Secret Source',
		name: 'secretSource',
		type: 'options',
		noDataExpression: true,
		default: defaultSource,
		options: [
			{
				name: 'Credential',
				value: 'credential',
				description: 'A "HeyGen Webhook Signing Secret API" credential: n8n keeps it encrypted',
			},
			{ name: 'Parameter', value: 'parameter', description: 'Typed or mapped here; saved in the workflow as it is' },
		],
		displayOptions: { show: { ...showOnlyForVerify.show, '@version': versions } },
	};
}

export const description: INodeProperties[] = [
	{
		displayName:
			'For events received by n8n\'s Webhook node: turn on its "Raw Body" option, so this step checks the exact bytes HeyGen signed. The HeyGen Trigger node does this check by itself.',
		name: 'verifyNotice',
		type: 'notice',
		default: '',
		displayOptions: showOnlyForVerify,
	},
	// Version 1 kept the secret in a parameter by default; version 2 defaults to a credential.
	secretSourceField('parameter', [1]),
	secretSourceField('credential', [{ _cnd: { gte: 2 } }]),
	{
		displayName: 'Signing Secret',
		name: 'secret',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		placeholder: 'e.g. whsec_...',
		description:
			'The secret HeyGen returned when the webhook endpoint was created or its secret rotated. Stored in the workflow; a credential keeps it encrypted.',
		displayOptions: { show: { ...showOnlyForVerify.show, secretSource: ['parameter'] } },
	},
	{
		displayName: 'Body Source',
		name: 'bodySource',
		type: 'options',
		default: 'binary',
		description: 'Where to find the request body exactly as HeyGen sent it',
		displayOptions: showOnlyForVerify,
		options: [
			{
				name: 'Binary Property',
				value: 'binary',
				description: 'The raw body that the Webhook node stores when "Raw Body" is on',
			},
			{
				name: 'Text',
				value: 'string',
				description: 'The raw body as text, for example from an expression',
			},
		],
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the input binary field holding the raw body',
		description: 'The Webhook node stores the raw body in the "data" field',
		displayOptions: { show: { ...showOnlyForVerify.show, bodySource: ['binary'] } },
	},
	{
		displayName: 'Raw Body',
		name: 'rawBody',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description:
			'The body exactly as received, byte for byte. Text rebuilt from the Webhook node\'s parsed body usually differs from what HeyGen signed.',
		displayOptions: { show: { ...showOnlyForVerify.show, bodySource: ['string'] } },
	},
	{
		displayName: 'Signature',
		name: 'signature',
		type: 'string',
		default: '={{ $json.headers["heygen-signature"] }}',
		description: 'The value of the Heygen-Signature request header',
		displayOptions: showOnlyForVerify,
	},
	{
		displayName: 'Timestamp',
		name: 'timestamp',
		type: 'string',
		default: '={{ $json.headers["heygen-timestamp"] }}',
		description: 'The value of the Heygen-Timestamp request header (Unix seconds)',
		displayOptions: showOnlyForVerify,
	},
	timestampToleranceField(showOnlyForVerify),
];

/** Header values from expressions may be missing, numbers, or arrays. */
function headerText(value: unknown): string | undefined {
	const first = Array.isArray(value) ? value[0] : value;
	if (first === undefined || first === null) return undefined;
	const text = String(first).trim();
	return text === '' ? undefined : text;
}

async function readRawBody(this: IExecuteFunctions, itemIndex: number): Promise<Buffer> {
	const bodySource = this.getNodeParameter('bodySource', itemIndex) as 'binary' | 'string';
	if (bodySource === 'string') {
		return Buffer.from(String(this.getNodeParameter('rawBody', itemIndex, '') ?? ''), 'utf8');
	}
	const binaryPropertyName = String(this.getNodeParameter('binaryPropertyName', itemIndex)).trim();
	const binary = this.getInputData()[itemIndex]?.binary?.[binaryPropertyName];
	if (!binary) {
		throw new NodeOperationError(
			this.getNode(),
			`This item has no binary field "${binaryPropertyName}" holding the raw body`,
			{
				itemIndex,
				description:
					'Turn on "Raw Body" in the Webhook node\'s options, or choose "Text" as Body Source and map the raw body.',
			},
		);
	}
	return await this.helpers.getBinaryDataBuffer(itemIndex, binaryPropertyName);
}

async function readSecret(this: IExecuteFunctions, itemIndex: number): Promise<string> {
	if (this.getNodeParameter('secretSource', itemIndex) === 'credential') {
		const credential = await this.getCredentials<{ secret?: string }>(HEYGEN_WEBHOOK_SECRET_CREDENTIAL_TYPE, itemIndex);
		return String(credential.secret ?? '');
	}
	return String(this.getNodeParameter('secret', itemIndex, '') ?? '');
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const rawBody = await readRawBody.call(this, itemIndex);
	const tolerance = Number(this.getNodeParameter('timestampTolerance', itemIndex, DEFAULT_TOLERANCE_SECONDS));
	const check = verifySignature({
		rawBody,
		secret: await readSecret.call(this, itemIndex),
		signature: headerText(this.getNodeParameter('signature', itemIndex, '')),
		timestamp: headerText(this.getNodeParameter('timestamp', itemIndex, '')),
		toleranceSeconds: Number.isFinite(tolerance) ? tolerance : DEFAULT_TOLERANCE_SECONDS,
	});

	// Never the secret: only the verdict, and for a genuine delivery its event type and id. An
	// invalid one says nothing of its body, so nothing downstream mistakes it for an event.
	if (!check.valid) return [{ json: { valid: false, reason: check.reason, message: check.message } }];
	const json: IDataObject = { valid: true, reason: null, message: null };
	const delivery = parseDelivery(rawBody);
	if (delivery) json.event_type = delivery.event_type;
	// The Webhook node puts the request headers on the item: pass the event id along when present.
	const headers = this.getInputData()[itemIndex]?.json?.headers;
	const eventId =
		headers && typeof headers === 'object' && !Array.isArray(headers)
			? readHeader(headers as Record<string, string | string[] | undefined>, EVENT_ID_HEADER)
			: undefined;
	if (eventId) json.event_id = eventId;
	return [{ json }];
}
