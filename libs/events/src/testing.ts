/**
 * Test fixtures, reached as `@grantline/lib-events/testing` so they stay out of the library's
 * production entry point.
 */
export { sampleEvents } from './sample-events';
