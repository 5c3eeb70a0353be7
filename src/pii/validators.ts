export { isValidResidentId, residentIdCheckChar, upgradeResidentId15 } from './validators/resident-id.js';
export { isValidUscc, usccCheckChar, isValidOrgCode, orgCodeCheckChar } from './validators/uscc.js';
export { luhn, luhnCheckDigit, hasKnownCardPrefix } from './validators/luhn.js';
export { isValidIpv4, isValidIpv6, isMainlandMobile, isValidEmail } from './validators/network.js';
export { isPlausibleBirthDate } from './validators/date.js';
export { isValidRegionCode } from './regions.js';
