import { FIRST_POLL_MS, JITTER, MAX_POLL_MS, pollDelayMs } from '../../../nodes/HeyGen/pollSchedule';

/** Wait for Completion's schedule, as HeyGen's CLI waits: 2 s doubling to 30 s, ±25%, Retry-After first. */

describe('pollDelayMs', () => {
	it.each([
		// attempt, random (0 = -25%, 0.5 = none, 1 → +25%), Retry-After, expected ms
		[0, 0.5, undefined, 2_000],
		[1, 0.5, undefined, 4_000],
		[2, 0.5, undefined, 8_000],
		[3, 0.5, undefined, 16_000],
		[4, 0.5, undefined, 30_000],
		[10, 0.5, undefined, 30_000],
		[60, 0.5, undefined, 30_000],
		[0, 0, undefined, 1_500],
		[0, 0.999_999, undefined, 2_500],
		[4, 0, undefined, 22_500],
		[4, 0.999_999, undefined, 37_500],
		[0, 0.5, 10, 10_000],
		[4, 0.5, 10, 30_000],
		[0, 0.5, 0, 2_000],
		[-1, 0.5, undefined, 2_000],
	])('attempt %i, random %d, Retry-After %s s → %i ms', (attempt, random, retryAfter, expected) => {
		expect(pollDelayMs(attempt, random, retryAfter)).toBe(expected);
	});

	it('stays within ±25% of the doubling, capped at 30 s, whatever the random draw', () => {
		for (let attempt = 0; attempt < 12; attempt++) {
			const base = Math.min(MAX_POLL_MS, FIRST_POLL_MS * 2 ** attempt);
			for (let i = 0; i < 50; i++) {
				const delay = pollDelayMs(attempt, Math.random());
				expect(delay).toBeGreaterThanOrEqual(base * (1 - JITTER));
				expect(delay).toBeLessThanOrEqual(base * (1 + JITTER));
			}
		}
	});

	it('asks about 40 times in 20 minutes: HeyGen is not polled harder than its CLI does', () => {
		let elapsed = 0;
		let polls = 0;
		while (elapsed < 20 * 60_000) elapsed += pollDelayMs(polls++, 0.5);
		expect(polls).toBeGreaterThanOrEqual(38);
		expect(polls).toBeLessThanOrEqual(44);
	});
});
