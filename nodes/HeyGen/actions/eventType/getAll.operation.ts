import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listEventTypes } from '../../../shared/webhookApi';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const eventTypes = await listEventTypes.call(this, itemIndex);
	return eventTypes.map((eventType) => ({ json: eventType as unknown as IDataObject }));
}
