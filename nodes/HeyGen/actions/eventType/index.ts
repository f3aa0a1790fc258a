import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';

export const operations = { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['eventType'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List every event type HeyGen can send, with its description',
				action: 'Get many event types',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
