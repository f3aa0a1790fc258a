import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { eventsField, readEventList } from '../../../shared/eventCatalogue';
import { createEndpoint } from '../../../shared/webhookApi';
import { endpointError } from './endpointErrors';
import { readUrl } from './endpointParameters';
import { withSecretForOutput } from './withheldSecret';

const showOnlyForCreate = { show: { resource: ['webhookEndpoint'], operation: ['create'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'The output holds the endpoint\'s signing secret. HeyGen shows it only this once: store it (for example in a credential) to verify deliveries later.',
		name: 'secretNotice',
		type: 'notice',
		default: '',
		displayOptions: showOnlyForCreate,
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/heygen',
		description:
			'Where HeyGen sends the events. HeyGen requires a public HTTPS URL that answers an OPTIONS request within 1 second.',
		displayOptions: showOnlyForCreate,
	},
	eventsField(
		'The events HeyGen sends to this URL. Leave empty for all events, including types HeyGen adds later.',
		showOnlyForCreate,
	),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showOnlyForCreate,
		options: [
			{
				displayName: 'Entity ID',
				name: 'entityId',
				type: 'string',
				default: '',
				description: 'Only send events about this HeyGen entity (HeyGen\'s entity_id)',
			},
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				description:
					'Any unique text (1-255 characters). HeyGen answers a repeat of the same key within 24 hours with the first result instead of creating a second endpoint. Left empty, the node makes one up for each item.',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const url = readUrl.call(this, this.getNodeParameter('url', itemIndex), itemIndex);
	const events = readEventList(this.getNodeParameter('events', itemIndex, []));
	const options = this.getNodeParameter('options', itemIndex, {}) as {
		entityId?: string;
		idempotencyKey?: string;
	};
	try {
		const endpoint = await createEndpoint.call(this, {
			url,
			events: events.length > 0 ? events : null,
			entityId: options.entityId?.trim() || undefined,
			// A key of our own also lets the client retry the call safely after a network error.
			idempotencyKey: options.idempotencyKey?.trim() || randomUUID(),
			itemIndex,
		});
		return [{ json: withSecretForOutput.call(this, endpoint as IDataObject) }];
	} catch (error) {
		throw endpointError.call(this, error, { url });
	}
}
