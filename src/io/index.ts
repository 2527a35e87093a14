/**
 * Line reading for JSON-lines inputs (finite files, gzip and stdin, rotation-safe tailing), sleeping, and
 * starting a module's sibling worker thread from dist/ or from the TypeScript sources.
 */
export { createLineSplitter, type LineSplitter, type LineSplitterOptions } from './line-splitter.js';
export { createLineWriter, type LineWriter, type LineWriterOptions } from './line-writer.js';
export { type ReadLinesOptions, readLines } from './read-lines.js';
export { sleep, yieldToEventLoop } from './sleep.js';
export { startSiblingWorker } from './start-worker.js';
export { type TailOptions, type TailState, tailFile } from './tail.js';
