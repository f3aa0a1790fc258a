import { randomUUID } from 'crypto';
import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { authenticationProperty, nodeCredentials } from '../shared/authentication';
import { EVENTS_SUBTITLE, eventsField, readEventList } from '../shared/eventCatalogue';
import { getEventTypes } from '../shared/loadOptions';
import { timestampToleranceField } from '../shared/signature';
import { decideCallback, screenCallback, type CallbackInput } from './callbackDecision';
import { decideDelivery, type DeliveryOptions } from './deliveryDecision';
import { checkEndpointExists, createWebhookEndpoint, deleteWebhookEndpoint } from './endpointLifecycle';
import type { DesiredEndpoint, RegisteredEndpoint } from './endpointPlan';
import { lookUpJob } from './jobLookups';
import { ReplayRecords, ScopeRecord, type PersistedRecord } from './replayRecord';
import { forgetOpenedSecret, secretKeeper, signingSecret, type SigningSecret } from './signingSecret';
import { applyAnswer } from './triggerAnswer';

type TriggerOptions = Omit<DeliveryOptions, 'events'> & { entityId?: string };

interface TriggerStaticData extends RegisteredEndpoint {
	/** Names this registration's replay record; new with every registration (see recordScope). */
	recordId?: string;
	replay?: PersistedRecord;
}

/** This process's copy of every trigger's replay record. */
const records = new ReplayRecords();
/** Stands in for a record before registration finished: every delivery is answered before it is read. */
const NO_RECORD = new ScopeRecord();

/**
 * The record of one registration of one trigger: production and each test listener have their
 * own static data, so their own record id, and a new registration starts afresh whatever mode
 * n8n calls the lifecycle in (n8n 2.41.1 creates in mode "trigger" and deletes in "internal").
 */
function recordScope(context: IHookFunctions | IWebhookFunctions, staticData: TriggerStaticData): string | undefined {
	if (!staticData.recordId) return undefined;
	return `${context.getWorkflow().id ?? ''}:${context.getNode().name}:${staticData.recordId}`;
}

/** Drops this registration's record and what this process opened for it. */
function forgetRegistration(context: IHookFunctions, staticData: TriggerStaticData): void {
	const scope = recordScope(context, staticData);
	if (scope !== undefined) {
		records.forget(scope);
		forgetOpenedSecret(scope);
	}
	delete staticData.recordId;
	delete staticData.replay;
}

function desiredEndpoint(this: IHookFunctions): DesiredEndpoint {
	const events = readEventList(this.getNodeParameter('events', []));
	const options = this.getNodeParameter('options', {}) as TriggerOptions;
	return {
		url: this.getNodeWebhookUrl('default') as string,
		events: events.length > 0 ? events : null,
		entityId: options.entityId?.trim() || undefined,
	};
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

type ListenTo = 'events' | 'callbacks' | 'both';

function listensTo(context: IHookFunctions | IWebhookFunctions): ListenTo {
	const value = (context as IHookFunctions).getNodeParameter('listenTo', 'events');
	return value === 'callbacks' || value === 'both' ? value : 'events';
}

/** Said once a minute at most per trigger (see signingSecret.ts), so a flood cannot fill the log. */
function logUnopenableSecret(this: IWebhookFunctions): void {
	this.logger.error(
		`HeyGen Trigger "${this.getNode().name}" in workflow "${this.getWorkflow().name ?? ''}" (id ${this.getWorkflow().id ?? '?'}) ` +
			'cannot open its signing secret: the API key (or OAuth2 client ID and secret) of its credential changed since the workflow was activated. ' +
			'Deactivate and activate the workflow (Unpublish and Publish) to take the endpoint back with a new secret; HeyGen retries the deliveries meanwhile.',
	);
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
				// The panel shows the URLs the trigger listens on.
				ndvHideUrl: '={{ $parameter["listenTo"] === "callbacks" }}',
			},
			{
				// The per-job callback URL. n8n runs webhookMethods[name] once per webhook: as
				// "default" the endpoint's lifecycle would run twice; "setup" has no methods.
				name: 'setup',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: '',
				path: 'callback',
				ndvHideUrl: '={{ !["callbacks", "both"].includes($parameter["listenTo"]) }}',
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
				displayName: 'Listen To',
				name: 'listenTo',
				type: 'options',
				noDataExpression: true,
				default: 'events',
				options: [
					{
						name: 'Events',
						value: 'events',
						description: 'Registers this workflow\'s event URL with HeyGen: every chosen event of the account',
					},
					{
						name: 'Per-Job Callbacks',
						value: 'callbacks',
						description:
							'Registers nothing: only jobs created with this trigger\'s callback URL as callback_url, each confirmed with HeyGen\'s API',
					},
					{
						name: 'Events and Per-Job Callbacks',
						value: 'both',
						description: 'Both; a job reported both ways starts one execution',
					},
				],
			},
			{
				displayName:
					'Pass this trigger\'s callback URL (the one ending in /callback) as callback_url when you create a video or translation. HeyGen does not sign callbacks: the trigger asks HeyGen\'s API for the job and starts only once it has ended.',
				name: 'callbackNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { listenTo: ['callbacks', 'both'] } },
			},
			eventsField(
				'The HeyGen events (and, for callbacks, the kinds of job outcome) that start this workflow. Leave empty for all, including event types HeyGen adds later.',
			),
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
							'Only start for events and callbacks whose callback_id matches, for workflows that wait on one job. Others are answered 200 and ignored.',
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
								description:
									'The body exactly as sent, with the event ID and timestamp headers (a callback: its body and HeyGen\'s answer about the job)',
							},
						],
					},
					timestampToleranceField(),
				],
			},
		],
	};

	methods = { loadOptions: { getEventTypes } };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node') as TriggerStaticData;
				let exists: boolean;
				if (listensTo(this) === 'callbacks') {
					// Nothing registered with HeyGen: one left from listening to events goes.
					await deleteWebhookEndpoint.call(this, staticData, this.getNodeWebhookUrl('default') as string);
					exists = staticData.recordId !== undefined;
				} else {
					const keeper = await secretKeeper.call(this);
					exists = await checkEndpointExists.call(this, staticData, desiredEndpoint.call(this), keeper);
				}
				// An endpoint taken back (adopted) without create() still needs a record.
				if (exists) staticData.recordId ??= randomUUID();
				return exists;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node') as TriggerStaticData;
				if (listensTo(this) !== 'callbacks') {
					const keeper = await secretKeeper.call(this);
					await createWebhookEndpoint.call(this, staticData, desiredEndpoint.call(this), keeper);
				}
				// A new endpoint has a new secret: nothing accepted under the old one applies.
				forgetRegistration(this, staticData);
				staticData.recordId = randomUUID();
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node') as TriggerStaticData;
				await deleteWebhookEndpoint.call(this, staticData, this.getNodeWebhookUrl('default') as string);
				forgetRegistration(this, staticData);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const staticData = this.getWorkflowStaticData('node') as TriggerStaticData;
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const deliveryOptions: DeliveryOptions = { ...options, events: readEventList(this.getNodeParameter('events', [])) };
		if (req.rawBody === undefined) await req.readRawBody();
		const rawBody = req.rawBody ?? Buffer.alloc(0);
		const now = nowSeconds();
		const scope = recordScope(this, staticData);
		const record = scope === undefined ? NO_RECORD : records.get(scope);
		const isCallback = this.getWebhookName() === 'setup';

		const listening = listensTo(this);
		if (!isCallback) {
			const secret: SigningSecret =
				scope === undefined
					? { state: 'none' }
					: await signingSecret.call(this, staticData, scope, now, () => logUnopenableSecret.call(this));
			const decision = decideDelivery({
				listening: listening !== 'callbacks',
				headers: req.headers,
				rawBody,
				options: deliveryOptions,
				now,
				secret,
				record,
				persistedRecord: staticData.replay,
			});
			return applyAnswer.call(this, decision, staticData, record);
		}

		const input: CallbackInput = {
			listening: listening !== 'events',
			registered: scope !== undefined,
			rawBody,
			options: deliveryOptions,
			now,
			record,
			persistedRecord: staticData.replay,
		};
		const screened = screenCallback(input);
		if ('answer' in screened) return applyAnswer.call(this, screened.answer, staticData, record);
		const lookup = await lookUpJob.call(this, screened.job);
		return applyAnswer.call(this, decideCallback(screened.job, lookup, input), staticData, record);
	}
}
