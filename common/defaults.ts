// The tutorial's values, which a run takes for every field it is not given, and the parts of a UPN the saga uses.
// One place: the workflow's validation, the CLI's flags and spec files, and bulk files all start from here.

/** The Microsoft Learn tutorial's names and settings. */
export const tutorialDefaults = {
  requestorAlias: 'Requestor1',
  groupName: 'Marketing resources',
  groupMailNickname: 'markres',
  packageName: 'Marketing Campaign',
  catalogName: 'General',
  policyName: 'Specific users',
  durationDays: 30,
  deliveryTimeoutSeconds: 900,
} as const;

/** The tenant domain of the local emulator, the requestor's domain when none is configured. */
export const emulatorDomain = 'contoso.onmicrosoft.com';

/** The domain of a UPN, lower-cased: "alice@Contoso.com" → "contoso.com". */
export function upnDomain(userPrincipalName: string): string {
  return userPrincipalName.slice(userPrincipalName.lastIndexOf('@') + 1).toLowerCase();
}

/** The alias of a UPN: "alice@contoso.com" → "alice". */
export function upnAlias(userPrincipalName: string): string {
  return userPrincipalName.slice(0, userPrincipalName.lastIndexOf('@'));
}
