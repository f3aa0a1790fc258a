// Id and secret formats. Real HeyGen ids seen in the wild are 32 hex chars behind a prefix.
import { randomBytes } from 'node:crypto';

export const hex32 = (): string => randomBytes(16).toString('hex');
export const newEndpointId = (): string => `ep_${hex32()}`;
export const newEventId = (): string => `evt_${hex32()}`;
export const newDeliveryId = (): string => `dlv_${hex32()}`;
export const newFaultId = (): string => `flt_${randomBytes(6).toString('hex')}`;
/** The `whsec_` string itself is the HMAC key (used as-is, never decoded). */
export const newSecret = (): string => `whsec_${randomBytes(24).toString('base64url')}`;
