import type { INodeProperties } from 'n8n-workflow';

import { JOBS, type JobKind } from '../../../shared/jobApi';
import * as get from './get.operation';
import { jobIdField } from './jobFields';
import * as waitForCompletion from './waitForCompletion.operation';

/** The Video and Video Translation resources: the same two operations on HeyGen's two job APIs. */
export function jobResource(kind: JobKind) {
	const { name } = JOBS[kind];
	const description: INodeProperties[] = [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [kind] } },
			options: [
				{
					name: 'Get',
					value: 'get',
					description: `Get a ${name}'s status, and its URL once it is ready`,
					action: `Get a ${name}`,
				},
				{
					name: 'Wait for Completion',
					value: 'waitForCompletion',
					description: `Wait until HeyGen has finished the ${name}, then output it (or its failure)`,
					action: `Wait for a ${name} to complete`,
				},
			],
			default: 'waitForCompletion',
		},
		jobIdField(kind),
		...get.description(),
		...waitForCompletion.description(kind),
	];
	return {
		description,
		operations: { get: { execute: get.execute(kind) }, waitForCompletion: { execute: waitForCompletion.execute(kind) } },
	};
}
