export * from './authorization-request';
export * from './redirect-uri';
export * from './code-issuer';
export * from './sign-in';
export * from './consent';
