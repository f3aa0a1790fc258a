import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listEvents } from '../../../shared/webhookApi';
import { pagingFields, readLimit } from '../paging';

const showOnlyForGetAll = { show: { resource: ['event'], operation: ['getAll'] } };

export const description: INodeProperties[] = [
	...pagingFields(showOnlyForGetAll),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: showOnlyForGetAll,
		options: [
			{
				displayName: 'Entity ID',
				name: 'entityId',
				type: 'string',
				default: '',
				description: 'Only events about this HeyGen entity (HeyGen\'s entity_id)',
			},
			{
				displayName: 'Event Type Name or ID',
				name: 'eventType',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getEventTypes' },
				default: '',
				description:
					'Only events of this type. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as {
		eventType?: string;
		entityId?: string;
	};
	const events = await listEvents.call(
		this,
		{
			eventType: String(filters.eventType ?? '').trim() || undefined,
			entityId: String(filters.entityId ?? '').trim() || undefined,
		},
		readLimit.call(this, itemIndex),
		itemIndex,
	);
	return events.map((event) => ({ json: event as unknown as IDataObject }));
}
