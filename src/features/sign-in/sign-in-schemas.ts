import { z } from 'zod';
import { specQuery } from '../../http/spec-schema.js';
import { chars } from '../../http/fields.js';

/** Query of `startSignIn`: who signs in, and where to go afterwards (checked by the service). */
export const startSignInQuery = specQuery<'startSignIn'>()(
  z.strictObject({
    as: z.enum(['supplier', 'staff']),
    return_to: chars(512).optional(),
  }),
);

const answerPart = chars(2048).optional();

/**
 * Query of `completeSignIn`: the provider's answer. Not strict: providers add parameters of their own
 * (`session_state` …), which are ignored here; openid-client reads the whole callback URL.
 */
export const completeSignInQuery = specQuery<'completeSignIn'>()(
  z.object({ code: answerPart, state: answerPart, iss: answerPart, error: answerPart, error_description: answerPart }),
);
