import { randomUUID } from 'crypto';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { rotateEndpointSecret } from '../../../shared/webhookApi';
import { endpointError } from './endpointErrors';
import { endpointIdField, readEndpointId } from './endpointLocator';
import { withSecretForOutput } from './withheldSecret';

const showOnlyForRotateSecret = { show: { resource: ['webhookEndpoint'], operation: ['rotateSecret'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'The old secret stops working immediately: deliveries are signed with the new one from now on. Store the new secret from the output and update every step that verifies this endpoint\'s deliveries.',
		name: 'rotateNotice',
		type: 'notice',
		default: '',
		displayOptions: showOnlyForRotateSecret,
	},
	endpointIdField(showOnlyForRotateSecret),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const endpointId = readEndpointId.call(this, itemIndex);
	try {
		// The key makes the client's retry after a network error replay, not rotate twice.
		const rotated = await rotateEndpointSecret.call(this, endpointId, randomUUID(), itemIndex);
		return [
			{ json: withSecretForOutput.call(this, { endpoint_id: rotated.endpoint_id ?? endpointId, secret: rotated.secret }) },
		];
	} catch (error) {
		throw endpointError.call(this, error, { endpointId });
	}
}
