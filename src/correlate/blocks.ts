/**
 * Fixed-size blocks of numbers carved out of large shared typed arrays, for per-container state that is a
 * few hundred bytes to 1 KiB (read buckets, distinct-file tables). A typed array of its own per container
 * cost ~300 bytes beside its data (the JS view, the ArrayBuffer, V8's backing-store record and its malloc
 * header): ~6 MB for the two of each of 10,000 containers. Here a container holds its chunk, an offset
 * and a handle; chunks are big enough for the allocator to map them on demand (untouched pages cost no
 * RSS). Released blocks are reused, first chunks first; a chunk whose blocks are all released is dropped
 * (its memory goes back: containers move from a pool of small blocks to one of big ones and do not come
 * back), so a pool holds about the blocks in use, at most those of caps.maxContainers.
 */

/** Bytes per chunk: over glibc's mmap threshold (128 KiB), so a chunk's untouched pages stay unmapped. */
const CHUNK_BYTES = 256 * 1024;

type NumberArray = Float64Array | Uint32Array;

interface Chunk<A> {
  /** null once every block was released: the memory goes back (one that grows out of a pool for good). */
  array: A | null;
  /** Blocks ever handed out from this chunk's array (the rest of it untouched). */
  next: number;
  free: number[];
  live: number;
}

export class BlockPool<A extends NumberArray> {
  private readonly chunks: Chunk<A>[] = [];
  private liveBlocks = 0;
  readonly perChunk: number;

  /** `fill`: what a block holds when handed out (0, or a sentinel its user needs). */
  constructor(
    readonly blockSize: number,
    private readonly make: (length: number) => A,
    private readonly fill: number,
  ) {
    this.perChunk = Math.max(1, Math.floor(CHUNK_BYTES / (blockSize * make(0).BYTES_PER_ELEMENT)));
  }

  /**
   * A block, set to the pool's fill value: its handle (for chunkOf/offsetOf/release). From the first chunk
   * with room (a few dozen chunks at most: allocation is per container, not per event), so blocks pack
   * into the first chunks and later ones can empty and go.
   */
  alloc(): number {
    let index = this.chunks.findIndex((c) => c.array !== null && (c.free.length > 0 || c.next < this.perChunk));
    if (index < 0) {
      index = this.chunks.findIndex((c) => c.array === null);
      if (index < 0) index = this.chunks.push({ array: null, next: 0, free: [], live: 0 }) - 1;
      this.chunks[index]!.array = this.make(this.perChunk * this.blockSize);
    }
    const chunk = this.chunks[index]!;
    const reused = chunk.free.pop();
    const handle = index * this.perChunk + (reused ?? chunk.next++);
    chunk.live++;
    this.liveBlocks++;
    // A new array is zeros: only a reused block, or a non-zero fill, needs writing (pages are touched as used).
    if (reused !== undefined || this.fill !== 0) {
      const off = this.offsetOf(handle);
      chunk.array!.fill(this.fill, off, off + this.blockSize);
    }
    return handle;
  }

  chunkOf(handle: number): A {
    return this.chunks[Math.floor(handle / this.perChunk)]!.array!;
  }

  offsetOf(handle: number): number {
    return (handle % this.perChunk) * this.blockSize;
  }

  /** The block is free again: its holder must not touch it after this. */
  release(handle: number): void {
    const chunk = this.chunks[Math.floor(handle / this.perChunk)]!;
    this.liveBlocks--;
    if (--chunk.live === 0) {
      chunk.array = null;
      chunk.next = 0;
      chunk.free.length = 0;
      return;
    }
    chunk.free.push(handle % this.perChunk);
  }

  /** Blocks handed out and not released. */
  get live(): number {
    return this.liveBlocks;
  }

  /** Chunks holding memory. */
  get chunksHeld(): number {
    let n = 0;
    for (const c of this.chunks) if (c.array !== null) n++;
    return n;
  }
}
