#!/usr/bin/env python3
"""Builds Tests/GreenlightTensorsTests/Fixtures/gguf-py-writer.gguf with gguf-py's own GGUFWriter.

The file holds one metadata entry of every GGUF value type (nested array included) and tensors of
types F32, F16, I32 and Q8_0 with deterministic contents, so GreenlightTensorsTests can check that
Greenlight reads what the reference writer produces without needing Python at test time.

Usage (from the repository root): pip install gguf==0.19.0 numpy; python3 Scripts/gen-tensors-fixtures.py [OUT]
(GreenlightTensorsTests also runs it with OUT in a temporary directory, to read gguf-py's output live.)
"""
import os
import sys

import numpy as np
import gguf

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "GreenlightTensorsTests", "Fixtures", "gguf-py-writer.gguf")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else OUT
    w = gguf.GGUFWriter(out, "llama")
    w.add_uint8("test.uint8", 200)
    w.add_int8("test.int8", -100)
    w.add_uint16("test.uint16", 60000)
    w.add_int16("test.int16", -30000)
    w.add_uint32("test.uint32", 4000000000)
    w.add_int32("test.int32", -2000000000)
    w.add_float32("test.float32", 1.5)
    w.add_bool("test.bool", True)
    w.add_string("test.string", "héllo ✓")
    w.add_array("test.array_str", ["a", "bc", ""])
    w.add_array("test.array_nested", [[1, 2], [3]])
    w.add_uint64("test.uint64", 18000000000000000000)
    w.add_int64("test.int64", -9000000000000000000)
    w.add_float64("test.float64", 2.25)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)
    w.add_quantization_version(gguf.GGML_QUANT_VERSION)

    # Shapes in numpy order; GGUF stores them reversed (ne[0] = last).
    w.add_tensor("f32", np.arange(6, dtype=np.float32).reshape(2, 3))
    w.add_tensor("f16", (np.arange(4, dtype=np.float16) / 4).reshape(4))
    w.add_tensor("i32", np.array([[-1, 2], [3, -4], [5, 6]], dtype=np.int32))
    # One Q8_0 row of 32 values: scale 1.0 (f16) then quants -16..15.
    block = np.frombuffer(np.float16(1.0).tobytes() + np.arange(-16, 16, dtype=np.int8).tobytes(), dtype=np.uint8)
    w.add_tensor("q8", block.reshape(1, 34), raw_dtype=gguf.GGMLQuantizationType.Q8_0)

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(f"wrote {os.path.normpath(out)} ({os.path.getsize(out)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
