// The failure converter used with the payload codec: failure messages and stack traces move into an encoded
// attributes payload, so that the codec encrypts them like any other payload. Loaded by path (the workflow bundle
// includes it); it imports nothing but the SDK's common package.

import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
