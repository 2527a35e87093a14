/** Line reading for JSON-lines inputs: finite files, gzip and stdin, and rotation-safe tailing. */
export { createLineSplitter, type LineSplitter, type LineSplitterOptions } from './line-splitter.js';
export { createLineWriter, type LineWriter, type LineWriterOptions } from './line-writer.js';
export { type ReadLinesOptions, readLines } from './read-lines.js';
export { sleep, yieldToEventLoop } from './sleep.js';
export { type TailOptions, type TailState, tailFile } from './tail.js';
