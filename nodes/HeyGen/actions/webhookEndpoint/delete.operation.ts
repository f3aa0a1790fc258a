import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { deleteEndpoint } from '../../../shared/webhookApi';
import { endpointError } from './endpointErrors';
import { endpointIdField, readEndpointId } from './endpointLocator';

const showOnlyForDelete = { show: { resource: ['webhookEndpoint'], operation: ['delete'] } };

export const description: INodeProperties[] = [endpointIdField(showOnlyForDelete)];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const endpointId = readEndpointId.call(this, itemIndex);
	try {
		await deleteEndpoint.call(this, endpointId, itemIndex);
	} catch (error) {
		throw endpointError.call(this, error, { endpointId });
	}
	return [{ json: { deleted: true, endpoint_id: endpointId } }];
}
