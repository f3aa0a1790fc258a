import { JobLookups, LOOKUP_BURST, LOOKUP_PER_MINUTE } from '../../../nodes/HeyGenTrigger/jobLookups';

/** The bound on what forged callbacks cost: HeyGen calls per n8n process. */

const T0 = 1_767_225_600_000;
const completed = { state: 'found', job: { status: 'completed' } } as const;

describe('JobLookups: the ration of HeyGen calls', () => {
	it(`allows ${LOOKUP_BURST} calls at once, then none until time passes`, () => {
		const lookups = new JobLookups();
		const granted = Array.from({ length: LOOKUP_BURST + 50 }, () => lookups.take(T0)).filter(Boolean);
		expect(granted).toHaveLength(LOOKUP_BURST);
	});

	it(`then ${LOOKUP_PER_MINUTE} a minute, however many ask`, () => {
		const lookups = new JobLookups();
		while (lookups.take(T0));
		let granted = 0;
		// A flood: a request every 10 ms for ten minutes.
		for (let at = T0; at < T0 + 10 * 60_000; at += 10) if (lookups.take(at)) granted++;
		expect(granted).toBeGreaterThanOrEqual(10 * LOOKUP_PER_MINUTE - 2);
		expect(granted).toBeLessThanOrEqual(10 * LOOKUP_PER_MINUTE);
	});

	it('refills to the burst at most, after a quiet hour', () => {
		const lookups = new JobLookups();
		while (lookups.take(T0));
		const later = T0 + 3_600_000;
		expect(Array.from({ length: LOOKUP_BURST * 2 }, () => lookups.take(later)).filter(Boolean)).toHaveLength(LOOKUP_BURST);
	});
});

describe('JobLookups: what is remembered', () => {
	it('an ended job for good: its outcome does not change', () => {
		const lookups = new JobLookups();
		lookups.remember('video', 'v1', completed, T0);
		expect(lookups.cached('video', 'v1', T0 + 86_400_000)).toEqual(completed);
		expect(lookups.cached('videoTranslation', 'v1', T0)).toBeUndefined();
	});

	it('an unknown job for a minute, a running one for 10 s, a failed call not at all', () => {
		const lookups = new JobLookups();
		lookups.remember('video', 'gone', { state: 'unknown' }, T0);
		lookups.remember('video', 'busy', { state: 'found', job: { status: 'processing' } }, T0);
		lookups.remember('video', 'error', { state: 'unavailable', reason: 'heygen_error' }, T0);
		expect(lookups.cached('video', 'gone', T0 + 59_999)).toEqual({ state: 'unknown' });
		expect(lookups.cached('video', 'gone', T0 + 60_000)).toBeUndefined();
		expect(lookups.cached('video', 'busy', T0 + 9_999)).toMatchObject({ state: 'found' });
		expect(lookups.cached('video', 'busy', T0 + 10_000)).toBeUndefined();
		expect(lookups.cached('video', 'error', T0)).toBeUndefined();
	});

	it('holds 1,000 jobs, forgetting the oldest first', () => {
		const lookups = new JobLookups();
		for (let i = 0; i < 1_050; i++) lookups.remember('video', `v${i}`, completed, T0);
		expect(lookups.cached('video', 'v0', T0)).toBeUndefined();
		expect(lookups.cached('video', 'v49', T0)).toBeUndefined();
		expect(lookups.cached('video', 'v50', T0)).toEqual(completed);
		expect(lookups.cached('video', 'v1049', T0)).toEqual(completed);
	});
});
