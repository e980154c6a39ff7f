// The emulator's programmatic API. Product code never imports the emulator; tests and the dev stack do.

export { startEmulator, type RunningEmulator } from './emulator.js';
export type { EmulatorInfo } from './control/control-plane.js';
export {
  defaultDelegatedPermissions,
  defaultPermissions,
  identityDefaults,
  EmulatorOptionError,
  type EmulatorOptions,
} from './options.js';
export { DataFileError } from './store/store.js';
