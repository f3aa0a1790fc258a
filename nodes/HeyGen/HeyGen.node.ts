import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeCredentialDescription,
	type INodeExecutionData,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as event from './actions/event';
import * as eventType from './actions/eventType';
import { CUSTOM_API_CALL, router, video, videoTranslation } from './actions/router';
import * as signature from './actions/webhookSignature';
import * as webhookEndpoint from './actions/webhookEndpoint';
import { authenticationProperty, nodeCredentials } from '../shared/authentication';
import { searchWebhookEndpoints } from './methods/listSearch';
import { CREDENTIAL_TEST_NAME, testHeyGenCredential } from './credentialTest';
import { getEventTypes } from '../shared/loadOptions';
import { HEYGEN_WEBHOOK_SECRET_CREDENTIAL_TYPE } from '../../credentials/HeyGenWebhookSecretApi.credentials';
import { testWebhookSecret, WEBHOOK_SECRET_TEST_NAME } from './webhookSecretTest';

const resources: INodePropertyOptions[] = [
	{ name: 'Event', value: 'event', description: 'The history of events HeyGen has sent' },
	{ name: 'Event Type', value: 'eventType', description: 'The kinds of events HeyGen can send' },
	{ name: 'Video', value: 'video', description: 'A video HeyGen renders: its status and URL' },
	{
		name: 'Video Translation',
		value: 'videoTranslation',
		description: 'A translation of a video into one language: its status and URL',
	},
	{ name: 'Webhook Endpoint', value: 'webhookEndpoint', description: 'A URL registered with HeyGen to receive events' },
	{ name: 'Webhook Signature', value: 'signature', description: 'Check that a webhook request really comes from HeyGen' },
];

const credentials: INodeCredentialDescription[] = [
	// Verify checks a signature locally: it needs the endpoint's secret, not HeyGen's API.
	...nodeCredentials(CREDENTIAL_TEST_NAME, { resource: ['signature'] }),
	{
		name: HEYGEN_WEBHOOK_SECRET_CREDENTIAL_TYPE,
		required: true,
		testedBy: WEBHOOK_SECRET_TEST_NAME,
		// "hide", never "show": n8n's editor hides every parameter a credential's "show" depends on,
		// Resource and Operation included. Hidden for every other resource, n8n's Custom API Call too.
		displayOptions: {
			hide: {
				resource: [
					...resources.map((resource) => resource.value as string).filter((resource) => resource !== 'signature'),
					CUSTOM_API_CALL,
				],
				secretSource: ['parameter'],
			},
		},
	},
];

export class HeyGen implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen',
		name: 'heyGen',
		icon: { light: 'file:../../icons/heygen.svg', dark: 'file:../../icons/heygen.dark.svg' },
		group: ['transform'],
		// Version 2: Verify reads the signing secret from a credential by default (see
		// actions/webhookSignature/verify.operation.ts); version 1 keeps its parameter.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Read and wait for HeyGen videos and translations, manage webhook endpoints, list event types and delivery history, and verify webhook signatures',
		defaults: { name: 'HeyGen' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials,
		properties: [
			authenticationProperty,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: resources,
				default: 'webhookEndpoint',
			},
			...webhookEndpoint.description,
			...eventType.description,
			...event.description,
			...signature.description,
			...video.description,
			...videoTranslation.description,
		],
	};

	methods = {
		loadOptions: { getEventTypes },
		listSearch: { searchWebhookEndpoints },
		credentialTest: {
			[CREDENTIAL_TEST_NAME]: testHeyGenCredential,
			[WEBHOOK_SECRET_TEST_NAME]: testWebhookSecret,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await router.call(this)];
	}
}
