import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { findEndpoint } from '../../../shared/webhookApi';
import { endpointNotFound } from './endpointErrors';
import { endpointIdField, readEndpointId } from './endpointLocator';
import { withSecretForOutput } from './withheldSecret';

const showOnlyForGet = { show: { resource: ['webhookEndpoint'], operation: ['get'] } };

export const description: INodeProperties[] = [endpointIdField(showOnlyForGet)];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const endpointId = readEndpointId.call(this, itemIndex);
	// HeyGen has no "get one endpoint" call: the client finds it in the list.
	const endpoint = await findEndpoint.call(this, endpointId, itemIndex);
	if (!endpoint) throw endpointNotFound.call(this, endpointId, itemIndex);
	return [{ json: withSecretForOutput.call(this, endpoint as IDataObject) }];
}
