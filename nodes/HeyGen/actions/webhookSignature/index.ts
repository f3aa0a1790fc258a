import type { INodeProperties } from 'n8n-workflow';

import * as verify from './verify.operation';

export const operations = { verify };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['signature'] } },
		options: [
			{
				name: 'Verify',
				value: 'verify',
				description: 'Check that a webhook request really comes from HeyGen and is recent',
				action: 'Verify a webhook signature',
			},
		],
		default: 'verify',
	},
	...verify.description,
];
