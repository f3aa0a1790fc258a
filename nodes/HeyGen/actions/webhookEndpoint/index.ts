import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as rotateSecret from './rotateSecret.operation';
import * as update from './update.operation';

export const operations = { create, delete: del, get, getAll, rotateSecret, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['webhookEndpoint'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Register a URL to receive HeyGen events',
				action: 'Create a webhook endpoint',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Stop sending events to an endpoint and remove it',
				action: 'Delete a webhook endpoint',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get one webhook endpoint',
				action: 'Get a webhook endpoint',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the account\'s webhook endpoints',
				action: 'Get many webhook endpoints',
			},
			{
				name: 'Rotate Secret',
				value: 'rotateSecret',
				description: 'Replace an endpoint\'s signing secret with a new one',
				action: 'Rotate a webhook endpoint secret',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Change an endpoint\'s URL or events',
				action: 'Update a webhook endpoint',
			},
		],
		default: 'getAll',
	},
	...create.description,
	...get.description,
	...getAll.description,
	...update.description,
	...del.description,
	...rotateSecret.description,
];
