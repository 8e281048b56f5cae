// Placeholder: replaced by the age streaming-encryption throughput benchmark.
func runAgeBenchmark(_ arguments: [String]) {
    print("age benchmark: not written yet")
}
