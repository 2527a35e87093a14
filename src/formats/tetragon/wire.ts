/**
 * A minimal protobuf wire reader for from-wire.ts: varints without BigInt, strings without intermediate
 * arrays, nested messages as byte ranges. It follows @bufbuild/protobuf's BinaryReader (what the ts-proto
 * code decodes with) in what it accepts and how it fails, so the two decoders agree on every input.
 */

/**
 * Node's Buffer#utf8Slice (what toString('utf8') calls, without the encoding dispatch): the same text as
 * the TextDecoder the generated code uses, invalid sequences and a leading BOM included, in a fraction
 * of the time for the short strings of an event.
 */
type Utf8Sliceable = Buffer & { utf8Slice(start: number, end: number): string };

export class WireError extends Error {}

function asBuffer(bytes: Uint8Array): Utf8Sliceable {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buf as Utf8Sliceable;
}

export class WireReader {
  buf: Utf8Sliceable;
  pos = 0;
  /** End of the message being read: the buffer's end, or of its range (resetRange). */
  limit: number;
  /** Low and high 32 bits of the last varint64(). */
  lo = 0;
  hi = 0;

  constructor(bytes: Uint8Array) {
    this.buf = asBuffer(bytes);
    this.limit = this.buf.length;
  }

  reset(bytes: Uint8Array): void {
    this.buf = asBuffer(bytes);
    this.pos = 0;
    this.limit = this.buf.length;
  }

  /**
   * Reads the message at [start, end) of a larger buffer (the ingest worker's batches) without a Buffer
   * object per message. Reads past `end` fail as reads past a buffer's end do (WireError).
   */
  resetRange(buf: Buffer, start: number, end: number): void {
    this.buf = buf as Utf8Sliceable;
    this.pos = start;
    this.limit = end;
  }

  get len(): number {
    return this.limit;
  }

  private bounds(): void {
    if (this.pos > this.limit) throw new WireError('premature EOF');
  }

  /** A varint's low 32 bits (uint32 / int32 / enum / tag / length). */
  uint32(): number {
    const buf = this.buf;
    let b = buf[this.pos++]!;
    let result = b & 0x7f;
    if (b & 0x80) {
      b = buf[this.pos++]!;
      result |= (b & 0x7f) << 7;
      if (b & 0x80) {
        b = buf[this.pos++]!;
        result |= (b & 0x7f) << 14;
        if (b & 0x80) {
          b = buf[this.pos++]!;
          result |= (b & 0x7f) << 21;
          if (b & 0x80) {
            b = buf[this.pos++]!;
            result |= (b & 0x0f) << 28;
            // Up to five more bytes of a 64-bit varint (negative int32s are sign-extended to ten bytes).
            for (let i = 0; (b & 0x80) !== 0 && i < 5; i++) b = buf[this.pos++]!;
            // Past the message's end is premature EOF, as it is at a buffer's end (undefined stops the loop).
            if (b & 0x80) {
              this.bounds();
              throw new WireError('invalid varint');
            }
          }
        }
      }
    }
    this.bounds();
    return result >>> 0;
  }

  /** A 64-bit varint into lo/hi (unsigned 32-bit halves). */
  varint64(): void {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let b = 0;
    for (; shift < 28; shift += 7) {
      b = buf[this.pos++]!;
      lo |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        this.lo = lo >>> 0;
        this.hi = 0;
        this.bounds();
        return;
      }
    }
    b = buf[this.pos++]!;
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x70) >> 4;
    if ((b & 0x80) === 0) {
      this.lo = lo >>> 0;
      this.hi = hi >>> 0;
      this.bounds();
      return;
    }
    for (shift = 3; shift <= 31; shift += 7) {
      b = buf[this.pos++]!;
      hi |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        this.bounds();
        return;
      }
    }
    this.bounds();
    throw new WireError('invalid varint');
  }

  /** uint64 as a number (exact below 2^53; callers needing exact digits use uint64String). */
  uint64(): number {
    this.varint64();
    return this.hi * 4294967296 + this.lo;
  }

  /** int64 as a number (two's complement). */
  int64(): number {
    this.varint64();
    return (this.hi | 0) * 4294967296 + this.lo;
  }

  /** The last varint64() as an exact unsigned decimal string. */
  lastUint64String(): string {
    if (this.hi < 0x200000) return String(this.hi * 4294967296 + this.lo);
    return ((BigInt(this.hi) << 32n) | BigInt(this.lo)).toString();
  }

  /** The last varint64() as an exact signed bigint (error messages only). */
  lastInt64Big(): bigint {
    return BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(this.lo));
  }

  /** Start of a length-delimited field's payload; sets pos past it and returns [start, end). */
  delimited(): number {
    const len = this.uint32();
    const start = this.pos;
    this.pos += len;
    this.bounds();
    return start;
  }

  string(): string {
    const len = this.uint32();
    const start = this.pos;
    this.pos = start + len;
    this.bounds();
    return this.buf.utf8Slice(start, start + len);
  }

  /** Skips a field of the given wire type (BinaryReader.skip without a field number). */
  skip(wireType: number, depth = 100): void {
    switch (wireType) {
      case 0:
        while (this.buf[this.pos++]! & 0x80) {
          // continuation bytes
        }
        break;
      case 1:
        this.pos += 8;
        break;
      case 5:
        this.pos += 4;
        break;
      case 2: {
        const len = this.uint32();
        this.pos += len;
        break;
      }
      case 3:
        if (depth <= 0) throw new WireError('maximum recursion depth reached');
        for (;;) {
          const start = this.pos;
          const tag = this.uint32();
          const read = this.pos - start;
          if (read > 5 || (read === 5 && this.buf[this.pos - 1]! > 0x0f)) {
            throw new WireError('illegal tag: varint overflows uint32');
          }
          const fieldNo = tag >>> 3;
          const wt = tag & 7;
          if (fieldNo <= 0 || wt > 5) throw new WireError(`illegal tag: field no ${fieldNo} wire type ${wt}`);
          if (wt === 4) break;
          this.skip(wt, depth - 1);
        }
        break;
      default:
        throw new WireError(`cant skip wire type ${wireType}`);
    }
    this.bounds();
  }
}
