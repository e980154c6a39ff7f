// The worker's entry behind bin/entra-saga-worker (which sets the process's malloc settings first): worker/main,
// compiled (npm run build: with the prebuilt workflow bundle) or, in development, through tsx (code-form.mjs).
import { entryModule } from './code-form.mjs';

await import(await entryModule('worker/main'));
