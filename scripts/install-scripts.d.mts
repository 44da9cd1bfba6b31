export function packagesWithInstallScripts(lockfileText: string): string[];
export function reviewedInstallScripts(packageJsonText: string): {
  approved: string[];
  denied: string[];
};
export function unreviewedInstallScripts(lockfileText: string, packageJsonText: string): string[];
