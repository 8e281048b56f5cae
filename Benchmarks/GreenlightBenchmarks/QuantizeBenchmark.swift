// Placeholder: replaced by the quantization throughput benchmark.
func runQuantizeBenchmark(_ arguments: [String]) {
    print("quantize benchmark: not written yet")
}
