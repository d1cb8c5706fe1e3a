/**
 * What fit, evaluate and predict accept: examples in memory (random access) or a stream
 * from files (read by a reader thread, see data/sources/).
 */
import type { ExampleSource } from './example-source';
import type { StreamSource } from '../data/sources/stream-spec';

export type DataSource = ExampleSource | StreamSource;
