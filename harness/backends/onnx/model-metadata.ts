// Reading a model's metadata_props (ModelProto field 14) without ONNX Runtime,
// which does not expose them in Node. Assay reads one key there: `assay.ep`,
// a comma-separated list of the execution providers a variant is measured on,
// for a model with an operator that some provider runs pathologically slowly.

/** The metadata key that limits a variant's `ep` axis, e.g. `cpu`. */
export const EP_METADATA_KEY = 'assay.ep';

/** Files larger than this are not scanned for metadata when planning a run (a large model has no Assay keys anyway). */
const MAX_SCAN_BYTES = 64 << 20;

/** The key/value pairs of a serialized ModelProto's metadata_props; {} when there are none or the bytes are not a model. */
export function readMetadataProps(bytes: Uint8Array): Record<string, string> {
  if (bytes.length > MAX_SCAN_BYTES) return {};
  const out: Record<string, string> = {};
  try {
    forEachField(bytes, 0, bytes.length, (field, start, end) => {
      if (field !== 14) return;
      let key = '';
      let value = '';
      forEachField(bytes, start, end, (f, s, e) => {
        if (f === 1) key = utf8(bytes, s, e);
        if (f === 2) value = utf8(bytes, s, e);
      });
      out[key] = value;
    });
  } catch {
    return {}; // not a well-formed protobuf: ONNX Runtime will say so when it loads the model
  }
  return out;
}

/** Calls `onBytes` for each length-delimited field of the message in [from, to); other wire types are skipped. */
function forEachField(b: Uint8Array, from: number, to: number, onBytes: (field: number, start: number, end: number) => void): void {
  let at = from;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (at >= to) throw new RangeError('truncated varint');
      const byte = b[at++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
  };
  while (at < to) {
    const key = varint();
    const field = Math.floor(key / 8);
    switch (key & 7) {
      case 0:
        varint();
        break;
      case 1:
        at += 8;
        break;
      case 2: {
        const len = varint();
        if (at + len > to) throw new RangeError('truncated field');
        onBytes(field, at, at + len);
        at += len;
        break;
      }
      case 5:
        at += 4;
        break;
      default:
        throw new RangeError(`unsupported wire type ${key & 7}`);
    }
  }
  if (at !== to) throw new RangeError('field overruns its message');
}

function utf8(b: Uint8Array, start: number, end: number): string {
  return new TextDecoder().decode(b.subarray(start, end));
}
