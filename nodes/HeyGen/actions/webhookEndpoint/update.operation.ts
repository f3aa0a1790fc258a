import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { eventsField, readEventList } from '../../../shared/eventCatalogue';
import { updateEndpoint } from '../../../shared/webhookApi';
import { endpointError } from './endpointErrors';
import { endpointIdField, readEndpointId } from './endpointLocator';
import { readUrl } from './endpointParameters';

const showOnlyForUpdate = { show: { resource: ['webhookEndpoint'], operation: ['update'] } };

export const description: INodeProperties[] = [
	endpointIdField(showOnlyForUpdate),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: showOnlyForUpdate,
		options: [
			{
				displayName: 'All Events',
				name: 'allEvents',
				type: 'boolean',
				default: true,
				description:
					'Whether to send every event type to this endpoint from now on, including types HeyGen adds later. Replaces the endpoint\'s current list of events.',
			},
			eventsField(
				'The new list of events. It replaces the endpoint\'s whole list (events not chosen here stop arriving).',
			),

			{
				displayName: 'URL',
				name: 'url',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://n8n.example.com/webhook/heygen',
				description:
					'The new address HeyGen sends events to. HeyGen requires a public HTTPS URL that answers an OPTIONS request within 1 second.',
			},
		],
	},
];

interface UpdateFields {
	url?: string;
	events?: unknown;
	allEvents?: boolean;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const endpointId = readEndpointId.call(this, itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as UpdateFields;

	const changes: { url?: string; events?: string[] | null } = {};
	if (fields.url !== undefined) changes.url = readUrl.call(this, fields.url, itemIndex);
	if (fields.allEvents === true) {
		if (readEventList(fields.events).length > 0) {
			throw new NodeOperationError(this.getNode(), 'Choose either "All Events" or a list of events, not both', {
				itemIndex,
			});
		}
		changes.events = null;
	} else if (fields.events !== undefined) {
		const events = readEventList(fields.events);
		if (events.length === 0) {
			throw new NodeOperationError(this.getNode(), 'Choose at least one event, or turn on "All Events"', {
				itemIndex,
			});
		}
		changes.events = events;
	}
	if (Object.keys(changes).length === 0) {
		throw new NodeOperationError(this.getNode(), 'Nothing to update', {
			itemIndex,
			description: 'Add at least one field under "Update Fields": URL, Event Names or IDs, or All Events.',
		});
	}

	try {
		const endpoint = await updateEndpoint.call(this, endpointId, changes, itemIndex);
		return [{ json: endpoint as IDataObject }];
	} catch (error) {
		throw endpointError.call(this, error, { endpointId, url: changes.url });
	}
}
