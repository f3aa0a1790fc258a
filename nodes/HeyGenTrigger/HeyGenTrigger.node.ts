import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { authenticationProperty, nodeCredentials } from '../shared/authentication';
import {
	checkEndpointExists,
	createWebhookEndpoint,
	deleteWebhookEndpoint,
} from '../shared/endpointLifecycle';
import type { DesiredEndpoint, RegisteredEndpoint } from '../shared/endpointPlan';
import { EVENTS_SUBTITLE } from '../shared/eventCatalogue';
import { getEventTypes } from '../shared/methods/loadOptions';
import { DEFAULT_TOLERANCE_SECONDS } from '../shared/signature';
import { answerOnceRecorded } from './answerOnceRecorded';
import { decideDelivery, type DeliveryOptions } from './deliveryDecision';
import { ReplayRecords, type PersistedRecord } from './replayRecord';
import { sealLegacySecret, secretKeeper, signingSecret } from './signingSecret';

type TriggerOptions = Omit<DeliveryOptions, 'events'> & { entityId?: string };

interface TriggerStaticData extends RegisteredEndpoint {
	replay?: PersistedRecord;
	/** Version 0.1's record; dropped on the next write. */
	accepted?: IDataObject;
}

/** This process's copy of every trigger's replay record. */
const records = new ReplayRecords();

/** One record per trigger node and mode: test listeners keep theirs apart from production. */
function recordScope(context: IHookFunctions | IWebhookFunctions): string {
	return `${context.getWorkflow().id ?? ''}:${context.getNode().name}:${context.getMode()}`;
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
		icon: { light: 'file:../../icons/heygen.svg', dark: 'file:../../icons/heygen.dark.svg' },
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
		credentials: nodeCredentials(),
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// n8n answers once it has recorded the execution (n8n 2.x; 1.x answers first).
				responseMode: 'onReceived',
				// Empty, so n8n answers with the webhookResponse webhook() returns (see
				// answerOnceRecorded.ts); without it n8n answers with a literal "firstEntryJson".
				responseData: '',
				path: 'webhook',
			},
		],
		properties: [
			authenticationProperty,
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
				const keeper = await secretKeeper.call(this);
				return await checkEndpointExists.call(this, registered, desiredEndpoint.call(this), keeper);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const registered = this.getWorkflowStaticData('node') as TriggerStaticData;
				const keeper = await secretKeeper.call(this);
				await createWebhookEndpoint.call(this, registered, desiredEndpoint.call(this), keeper);
				// A new endpoint has a new secret: nothing accepted under the old one applies.
				delete registered.replay;
				records.forget(recordScope(this));
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node') as TriggerStaticData;
				await deleteWebhookEndpoint.call(this, staticData, this.getNodeWebhookUrl('default') as string);
				delete staticData.replay;
				delete staticData.accepted;
				records.forget(recordScope(this));
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const staticData = this.getWorkflowStaticData('node') as TriggerStaticData;
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const scope = recordScope(this);
		if (req.rawBody === undefined) await req.readRawBody();
		const secret = await signingSecret.call(this, staticData, scope);
		const record = records.get(scope);
		const decision = decideDelivery({
			headers: req.headers,
			rawBody: req.rawBody ?? Buffer.alloc(0),
			options: { ...options, events: this.getNodeParameter('events', []) as string[] },
			now: Math.floor(Date.now() / 1000),
			secret,
			record,
			persistedRecord: staticData.replay,
		});

		if (decision.verified) await sealLegacySecret.call(this, staticData);
		if (decision.outcome === 'rejected') {
			if (decision.body.error === 'secret_unavailable') {
				this.logger.error(
					`HeyGen Trigger "${this.getNode().name}" in workflow "${this.getWorkflow().name ?? ''}" (id ${this.getWorkflow().id ?? '?'}) ` +
						'cannot open its signing secret: the API key (or OAuth2 client ID and secret) of its credential changed since the workflow was activated. ' +
						'Deactivate and activate the workflow (Unpublish and Publish) to take the endpoint back with a new secret; HeyGen retries the deliveries meanwhile.',
				);
			}
			this.getResponseObject().status(decision.status).json(decision.body);
			return { noWebhookResponse: true };
		}

		// Version 0.1's record used other digests; dropped once. (Deleting through n8n's static-data
		// proxy marks it changed even when the key is absent, hence the check.)
		if (staticData.accepted !== undefined) delete staticData.accepted;
		const persist = () => {
			staticData.replay = record.toPersisted();
		};
		if (decision.saveRecord) persist();
		if (decision.outcome === 'ignored') return { webhookResponse: decision.body };
		return answerOnceRecorded({ workflowData: [[{ json: decision.item }]] }, decision.body, persist);
	}
}
