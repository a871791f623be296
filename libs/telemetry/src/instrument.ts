/**
 * The first import of every service's main. When spans go to a collector (the standard
 * OTEL_* variables say so), it registers the library instrumentations before node:http, ioredis
 * or the MongoDB driver are loaded; otherwise it does nothing and costs nothing.
 */
import { instrumentLibraries } from './library-instrumentation';
import { tracesConfigured } from './otel-env';

if (tracesConfigured(process.env)) instrumentLibraries();
