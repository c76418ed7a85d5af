export { devSetup, domainPower, INSECURE_BANNER, type DevSetupOptions, type DevSetupResult } from "./devSetup.js";
export { CeremonyInputError } from "./r1cs.js";
