export const developersPath = (orgSlug: string) => `/${orgSlug}/settings/developers`;
