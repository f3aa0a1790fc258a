/**
 * How often Wait for Completion asks HeyGen about a job, as HeyGen's own CLI does: 2 s, doubling
 * to a 30 s cap, each ±25% so that many waiting workflows do not ask in step, and never sooner than
 * a 429's Retry-After. Pure, so the schedule is tested as a table.
 */

export const FIRST_POLL_MS = 2_000;
export const MAX_POLL_MS = 30_000;
export const JITTER = 0.25;

/**
 * The pause before poll number `attempt + 1` (`attempt` counts from 0). `random` is in [0, 1)
 * (Math.random in the node). `retryAfterSeconds`: HeyGen's Retry-After on the last answer, if any.
 */
export function pollDelayMs(attempt: number, random: number, retryAfterSeconds?: number): number {
	const base = Math.min(MAX_POLL_MS, FIRST_POLL_MS * 2 ** Math.max(0, attempt));
	const jittered = Math.round(base * (1 - JITTER + 2 * JITTER * random));
	return Math.max(jittered, (retryAfterSeconds ?? 0) * 1000);
}
