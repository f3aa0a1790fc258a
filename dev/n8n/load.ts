/** Sending many requests at a fixed concurrency, recording when each answer arrived. */

export interface Answered<T> {
	index: number;
	value: T;
	answeredAt: number;
}

/** Calls `send(0..count-1)` with at most `concurrency` in flight; results in index order. */
export async function sendAll<T>(count: number, concurrency: number, send: (index: number) => Promise<T>): Promise<Array<Answered<T>>> {
	const results: Array<Answered<T>> = new Array(count);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(concurrency, count) }, async () => {
			while (next < count) {
				const index = next++;
				const value = await send(index);
				results[index] = { index, value, answeredAt: Date.now() };
			}
		}),
	);
	return results;
}
