/**
 * Fixed-size blocks of numbers carved out of large shared typed arrays, for per-container state that is a
 * few hundred bytes to 1 KiB (read buckets, distinct-file tables). A typed array of its own per container
 * cost ~300 bytes beside its data (the JS view, the ArrayBuffer, V8's backing-store record and its malloc
 * header): ~6 MB for the two of each of 10,000 containers. Here a container holds its chunk, an offset
 * and a handle; chunks are big enough for the allocator to map them on demand (untouched pages cost no
 * RSS) and are never freed: released blocks are reused (last released first), so the pools are bounded by
 * the most containers ever tracked at once (caps.maxContainers).
 */

/** Bytes per chunk: over glibc's mmap threshold (128 KiB), so a chunk's untouched pages stay unmapped. */
const CHUNK_BYTES = 256 * 1024;

type NumberArray = Float64Array | Uint32Array;

export class BlockPool<A extends NumberArray> {
  private readonly chunks: A[] = [];
  private readonly free: number[] = [];
  private used = 0;
  readonly perChunk: number;

  /** `fill`: what a block holds when handed out (0, or a sentinel its user needs). */
  constructor(
    readonly blockSize: number,
    private readonly make: (length: number) => A,
    private readonly fill: number,
  ) {
    this.perChunk = Math.max(1, Math.floor(CHUNK_BYTES / (blockSize * make(0).BYTES_PER_ELEMENT)));
  }

  /** A block, set to the pool's fill value: its handle (for chunkOf/offsetOf/release). */
  alloc(): number {
    let handle = this.free.pop();
    let fresh = false;
    if (handle === undefined) {
      handle = this.used++;
      if (Math.floor(handle / this.perChunk) === this.chunks.length)
        this.chunks.push(this.make(this.perChunk * this.blockSize));
      fresh = true;
    }
    // A new chunk is zeros: only a released block, or a non-zero fill, needs writing (pages are touched as used).
    if (!fresh || this.fill !== 0) {
      const off = this.offsetOf(handle);
      this.chunkOf(handle).fill(this.fill, off, off + this.blockSize);
    }
    return handle;
  }

  chunkOf(handle: number): A {
    return this.chunks[Math.floor(handle / this.perChunk)]!;
  }

  offsetOf(handle: number): number {
    return (handle % this.perChunk) * this.blockSize;
  }

  /** The block is free again: its holder must not touch it after this. */
  release(handle: number): void {
    this.free.push(handle);
  }

  /** Blocks handed out and not released. */
  get live(): number {
    return this.used - this.free.length;
  }
}
