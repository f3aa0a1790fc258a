import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { HEYGEN_CREDENTIAL_TYPE } from '../../credentials/HeyGenWebhooksApi.credentials';
import { parseDelivery, simplifyDelivery } from '../HeyGen/shared/deliveryItem';
import {
	checkEndpointExists,
	createWebhookEndpoint,
	deleteWebhookEndpoint,
	type DesiredEndpoint,
	type RegisteredEndpoint,
} from '../HeyGen/shared/endpointLifecycle';
import { EVENTS_SUBTITLE } from '../HeyGen/shared/eventCatalogue';
import { getEventTypes } from '../HeyGen/shared/loadOptions';
import { claimDelivery, deliveryKeys, type AcceptedDeliveries } from '../HeyGen/shared/replayGuard';
import {
	DEFAULT_TOLERANCE_SECONDS,
	EVENT_ID_HEADER,
	LEGACY_SIGNATURE_HEADER,
	parseTimestamp,
	readHeader,
	SIGNATURE_HEADER,
	TIMESTAMP_HEADER,
	verifySignature,
} from '../HeyGen/shared/signature';

interface TriggerOptions {
	entityId?: string;
	callbackId?: string;
	timestampTolerance?: number;
	ignoreDuplicates?: boolean;
	output?: 'simplified' | 'raw';
}

interface TriggerStaticData extends RegisteredEndpoint {
	accepted?: AcceptedDeliveries;
}

function desiredEndpoint(this: IHookFunctions): DesiredEndpoint {
	const events = this.getNodeParameter('events', []) as string[];
	const options = this.getNodeParameter('options', {}) as TriggerOptions;
	return {
		url: this.getNodeWebhookUrl('default') as string,
		events: events.length > 0 ? events : null,
		entityId: options.entityId?.trim() || undefined,
	};
}

export class HeyGenTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen Trigger',
		name: 'heyGenTrigger',
		icon: { light: 'file:heygen.svg', dark: 'file:heygen.dark.svg' },
		group: ['trigger'],
		// Version 2 is the default: n8n evaluates an expression on every request to a version-1
		// start node; version 1 stays loadable for hand-written workflows.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: EVENTS_SUBTITLE,
		description: 'Starts the workflow when HeyGen sends a webhook event, such as a finished avatar video',
		defaults: { name: 'HeyGen Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: HEYGEN_CREDENTIAL_TYPE, required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// HeyGen only needs a quick 2xx; without this n8n answers with a literal "firstEntryJson".
				responseData: 'noData',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					'HeyGen must reach this workflow\'s webhook URL over public HTTPS. On a self-hosted n8n, set N8N_WEBHOOK_URL to your public address.',
				name: 'publicUrlNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Event Names or IDs',
				name: 'events',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getEventTypes' },
				default: [],
				description:
					'The HeyGen events that start this workflow. Leave empty for all events, including types HeyGen adds later. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Callback ID',
						name: 'callbackId',
						type: 'string',
						default: '',
						description:
							'Only start for events whose callback_id matches, for workflows that wait on one job. Others are answered 200 and ignored.',
					},
					{
						displayName: 'Entity ID',
						name: 'entityId',
						type: 'string',
						default: '',
						description: 'Only receive events for this HeyGen entity (HeyGen\'s entity_id)',
					},
					{
						displayName: 'Ignore Duplicates',
						name: 'ignoreDuplicates',
						type: 'boolean',
						default: true,
						description:
							'Whether to start only once per event: HeyGen retries deliveries, and a replayed delivery is ignored for 24 hours',
					},
					{
						displayName: 'Output',
						name: 'output',
						type: 'options',
						default: 'simplified',
						options: [
							{
								name: 'Simplified',
								value: 'simplified',
								description: 'Event type, event ID, callback ID, video ID and URL, failure message, and all event data',
							},
							{
								name: 'Raw',
								value: 'raw',
								description: 'The body exactly as HeyGen sent it, with the HeyGen headers',
							},
						],
					},
					{
						displayName: 'Timestamp Tolerance (Seconds)',
						name: 'timestampTolerance',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: DEFAULT_TOLERANCE_SECONDS,
						description:
							'Reject deliveries whose Heygen-Timestamp is further than this from now. 0 turns the check off.',
					},
				],
			},
		],
	};

	methods = { loadOptions: { getEventTypes } };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const registered = this.getWorkflowStaticData('node') as RegisteredEndpoint;
				return await checkEndpointExists.call(this, registered, desiredEndpoint.call(this));
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const registered = this.getWorkflowStaticData('node') as RegisteredEndpoint;
				await createWebhookEndpoint.call(this, registered, desiredEndpoint.call(this));
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node') as TriggerStaticData;
				await deleteWebhookEndpoint.call(this, staticData, this.getNodeWebhookUrl('default') as string);
				delete staticData.accepted;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const res = this.getResponseObject();
		const reject = (status: number, error: string, message: string): IWebhookResponseData => {
			res.status(status).json({ error, message });
			return { noWebhookResponse: true };
		};
		const ignore = (reason: string): IWebhookResponseData => ({
			webhookResponse: { received: true, ignored: reason },
		});

		const staticData = this.getWorkflowStaticData('node') as TriggerStaticData;
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		if (req.rawBody === undefined) await req.readRawBody();
		const rawBody: Buffer = req.rawBody ?? Buffer.alloc(0);
		const signatureHeader = readHeader(req.headers, SIGNATURE_HEADER, LEGACY_SIGNATURE_HEADER);
		const timestampHeader = readHeader(req.headers, TIMESTAMP_HEADER);
		const eventId = readHeader(req.headers, EVENT_ID_HEADER);

		// 1-2. Nothing else is looked at before the signature and timestamp hold.
		const check = verifySignature({
			rawBody,
			secret: staticData.secret,
			signature: signatureHeader,
			timestamp: timestampHeader,
			toleranceSeconds: options.timestampTolerance ?? DEFAULT_TOLERANCE_SECONDS,
		});
		if (!check.valid) return reject(401, check.reason, check.message);

		// 3.
		const delivery = parseDelivery(rawBody);
		if (!delivery) {
			return reject(400, 'invalid_body', 'The body must be a JSON object with an event_type');
		}

		// 4.
		if (options.ignoreDuplicates !== false) {
			staticData.accepted ??= {};
			const scope = `${this.getWorkflow().id}:${this.getNode().name}:${this.getMode()}`;
			if (!claimDelivery(scope, staticData.accepted, deliveryKeys(eventId, rawBody))) {
				return ignore('duplicate');
			}
		}

		// 5. HeyGen already filters by the registered events; this guards an endpoint edited elsewhere.
		const events = this.getNodeParameter('events', []) as string[];
		if (events.length > 0 && !events.includes(delivery.event_type)) return ignore('event_type');
		const callbackId = options.callbackId?.trim();
		if (callbackId && String(delivery.event_data?.callback_id ?? '') !== callbackId) return ignore('callback_id');

		// 6.
		const json: IDataObject =
			options.output === 'raw'
				? {
						body: delivery as IDataObject,
						headers: {
							'heygen-event-id': eventId ?? null,
							'heygen-timestamp': timestampHeader ?? null,
							'heygen-signature': signatureHeader ?? null,
						},
					}
				: simplifyDelivery(delivery, {
						eventId,
						timestamp: timestampHeader === undefined ? undefined : parseTimestamp(timestampHeader),
					});
		// Answer now, before n8n starts the execution: n8n saves static data (the replay guard's
		// record) when the response goes out, and starting an execution first would lose the change.
		res.status(200).json({ received: true });
		return { noWebhookResponse: true, workflowData: [[{ json }]] };
	}
}
