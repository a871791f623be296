/** Where the Redis guard store keeps each guard, relative to the key prefix. */
export const guardKeys = {
  claim: (key: string) => `claim:${key}`,
  refresh: (refreshId: string) => `refresh:${refreshId}`,
} as const;
