import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listEndpoints } from '../../../shared/webhookApi';
import { pagingFields, readLimit } from '../paging';

const showOnlyForGetAll = { show: { resource: ['webhookEndpoint'], operation: ['getAll'] } };

export const description: INodeProperties[] = [...pagingFields(showOnlyForGetAll)];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const endpoints = await listEndpoints.call(this, readLimit.call(this, itemIndex), itemIndex);
	return endpoints.map((endpoint) => ({ json: endpoint as IDataObject }));
}
