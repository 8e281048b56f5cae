import GreenlightCore
import GreenlightTensors

/// The per-tensor work of a compression, with buffers sized once for the largest tensor and reused: peak
/// memory is about two copies of the largest tensor whatever the model size.
final class Engine {
    private let file: ModelSource
    private let plan: [PlannedTensor]
    private let options: CompressOptions
    private let values: UnsafeMutableBufferPointer<Float>
    private let output: UnsafeMutableRawBufferPointer
    private let check: UnsafeMutableBufferPointer<Float>
    /// The global magnitude threshold (bits of |x|) and how many ties at it remain to prune.
    private var global: (bits: UInt32, ties: Int)?

    /// Elements per error-check chunk: a multiple of every block size (32 and 256).
    static let chunk = 65_536

    init(file: ModelSource, plan: [PlannedTensor], options: CompressOptions) {
        self.file = file
        self.plan = plan
        self.options = options
        let converted = plan.filter(\.convert)
        values = .allocate(capacity: max(1, converted.map(\.source.elementCount).max() ?? 1))
        output = .allocate(byteCount: max(1, converted.map { $0.type.byteCount(elements: $0.source.elementCount) ?? 0 }.max() ?? 1),
                           alignment: 16)
        check = .allocate(capacity: Self.chunk)
    }

    deinit {
        values.deallocate()
        output.deallocate()
        check.deallocate()
    }

    /// The tensor's values as floats: the mapping itself for aligned F32 that stays untouched, else a copy.
    private func floats(_ p: PlannedTensor, mutable: Bool) throws -> UnsafeBufferPointer<Float> {
        let src = file.data(p.source)
        let n = p.source.elementCount
        if p.sourceType == .f32, !mutable, let base = src.baseAddress, Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 {
            return UnsafeBufferPointer(start: base.bindMemory(to: Float.self, capacity: n), count: n)
        }
        let dst = UnsafeMutableBufferPointer(rebasing: values[0..<n])
        // Float sources convert exactly; quantized ones (a GGUF source) are decoded.
        try Quantizer.dequantize(src, type: p.sourceType ?? .f32, into: dst)
        return UnsafeBufferPointer(dst)
    }

    /// For global magnitude pruning: two passes over the pruned tensors find the one threshold.
    func prepareGlobalThreshold() throws {
        guard case .globalMagnitude(let sparsity) = options.pruning else { return }
        let targets = plan.filter(\.prune)
        let total = targets.reduce(0) { $0 + $1.source.elementCount }
        let k = Int((sparsity * Double(total)).rounded(.down))
        guard k > 0 else { return }
        var t = MagnitudeThreshold()
        for p in targets {
            t.countHigh(try floats(p, mutable: false))
            file.release(p.source)
        }
        guard t.selectBucket(k: k - 1) else { return }
        for p in targets {
            t.countLow(try floats(p, mutable: false))
            file.release(p.source)
        }
        let r = t.result(k: k - 1)
        global = (r.bits, r.tiesToPrune)
    }

    /// What the pre-pass found in one tensor, before any byte of the output is written.
    enum Screening {
        /// Every value encodes to finite values in the planned type.
        case fits
        /// The source holds a NaN or an infinity (the first at flat element `index`, row-major).
        case nonFinite(index: Int, value: Float)
        /// Finite values whose encoding in the planned type would hold an infinite value or scale.
        case overflows(maxAbs: Float)
    }

    /// Reads one tensor to find NaN/inf and values (or block scales) the planned type cannot hold: a max |x|
    /// pass, and only above ``Quantizer/safeMagnitude(_:)`` an encoding into the scratch buffer to be sure.
    func screen(_ p: PlannedTensor) throws -> Screening {
        defer { file.release(p.source) }
        let vals = try floats(p, mutable: false)
        var maxAbs: Float = 0
        var start = 0
        while start < vals.count {
            let end = min(start + Self.chunk, vals.count)
            var m: Float = 0, finite = true
            for i in start..<end {
                let a = abs(vals[i])
                finite = finite && a <= .greatestFiniteMagnitude  // false for NaN too
                m = max(m, a)
            }
            if !finite, let i = (start..<end).first(where: { !vals[$0].isFinite }) {
                return .nonFinite(index: i, value: vals[i])
            }
            maxAbs = max(maxAbs, m)
            start = end
        }
        guard maxAbs > Quantizer.safeMagnitude(p.type), p.type != .f32 else { return .fits }
        let bytes = try Quantizer.byteCount(of: p.type, elements: vals.count)
        let out = UnsafeMutableRawBufferPointer(rebasing: output[0..<bytes])
        try Quantizer.quantize(vals, to: p.type, into: out, threads: options.threads)
        return Quantizer.firstNonFiniteBlock(UnsafeRawBufferPointer(out), type: p.type) == nil ? .fits : .overflows(maxAbs: maxAbs)
    }

    /// Converts one tensor and hands its bytes to `sink`.
    func run(_ p: PlannedTensor, into sink: TensorFileWriter) throws
        -> (entry: TensorCompression, error: (diff: Double, ref: Double)?, zeros: Int?)
    {
        defer { file.release(p.source) }
        let n = p.source.elementCount
        guard p.convert else {
            try sink.writeTensor(file.data(p.source))
            return (entry(p, bytes: p.source.byteCount, rmse: 0, maxAbs: 0, sparsity: nil), nil, nil)
        }
        let vals = try floats(p, mutable: p.prune)
        var zeros: Int?
        if p.prune {
            let m = UnsafeMutableBufferPointer(mutating: vals)
            switch options.pruning {
            case .magnitude(let s): Pruner.magnitude(m, sparsity: s)
            case .globalMagnitude:
                if let g = global { global!.ties -= Pruner.apply(threshold: g.bits, ties: g.ties, to: m) }
            case .twoFour: try Pruner.twoFour(m, rowLength: p.ne[0])
            case nil: break
            }
            zeros = Int((Pruner.sparsity(vals) * Double(n)).rounded())
        }
        let bytes = try Quantizer.byteCount(of: p.type, elements: n)
        // Lossless: F32 out of F32 in. A tensor holding NaN/inf is kept so and left out of the error totals.
        if p.type == .f32 {
            try sink.writeTensor(UnsafeRawBufferPointer(vals))
            return (entry(p, bytes: bytes, rmse: p.nonFinite ? nil : 0, maxAbs: p.nonFinite ? nil : 0,
                          sparsity: zeros.map { Double($0) / Double(n) }),
                    p.nonFinite ? nil : (0, sumOfSquares(vals)), zeros)
        }
        let out = UnsafeMutableRawBufferPointer(rebasing: output[0..<bytes])
        do {
            try Quantizer.quantize(vals, to: p.type, into: out, threads: options.threads)
        } catch let e as GreenlightError {
            throw GreenlightError.invalidInput("\(file.path): tensor \"\(TerminalText.escaped(p.source.name))\": \(e.message)")
        }
        // The screening pass chose types that hold every value; this cheap scan guarantees no infinite
        // scale reaches the file even if that reasoning were wrong.
        if let b = Quantizer.firstNonFiniteBlock(UnsafeRawBufferPointer(out), type: p.type) {
            throw GreenlightError.invalidInput(
                "\(file.path): tensor \"\(TerminalText.escaped(p.source.name))\": block \(b) (elements from \(b * p.type.blockSize)) overflows \(p.type.name) "
                    + "(an infinite scale or value); nothing was written. Choose F32 or BF16 for it",
                parameter: .init("tensorTypes", suggestion: "'NAME=f32'"))
        }
        try sink.writeTensor(UnsafeRawBufferPointer(out))
        var error: (diff: Double, ref: Double, maxAbs: Double)?
        if options.measureError { error = try measure(UnsafeRawBufferPointer(out), type: p.type, against: vals) }
        // Finite by construction (finite sources, finite encodings, Double sums); checked so NaN never reaches a report.
        let rmse = error.flatMap { e -> Double? in
            let r = e.ref > 0 ? (e.diff / e.ref).squareRoot() : 0
            return r.isFinite ? r : nil
        }
        return (entry(p, bytes: bytes, rmse: rmse, maxAbs: error?.maxAbs, sparsity: zeros.map { Double($0) / Double(n) }),
                error.map { ($0.diff, $0.ref) }, zeros)
    }

    /// Σ(ŵ − w)², Σw² and max |ŵ − w|, decoding the output a chunk at a time.
    private func measure(_ encoded: UnsafeRawBufferPointer, type: GGMLType, against w: UnsafeBufferPointer<Float>) throws
        -> (diff: Double, ref: Double, maxAbs: Double)
    {
        var diff = 0.0, ref = 0.0
        var maxAbs: Float = 0
        var start = 0
        while start < w.count {
            let count = min(Self.chunk, w.count - start)
            let from = start / type.blockSize * type.typeSize
            let src = UnsafeRawBufferPointer(rebasing: encoded[from..<(from + count / type.blockSize * type.typeSize)])
            let dst = UnsafeMutableBufferPointer(rebasing: check[0..<count])
            try Quantizer.dequantize(src, type: type, into: dst)
            // Squares in Double: a float near 3e38 squared overflows Float.
            var d = 0.0, r = 0.0
            for i in 0..<count {
                let x = w[start + i]
                let e = dst[i] - x
                d += Double(e) * Double(e)
                r += Double(x) * Double(x)
                maxAbs = max(maxAbs, abs(e))
            }
            diff += d
            ref += r
            start += count
        }
        return (diff, ref, maxAbs.isFinite ? Double(maxAbs) : .greatestFiniteMagnitude)
    }

    private func sumOfSquares(_ w: UnsafeBufferPointer<Float>) -> Double {
        var total = 0.0
        var start = 0
        while start < w.count {
            let end = min(start + Self.chunk, w.count)
            var r = 0.0
            for i in start..<end { r += Double(w[i]) * Double(w[i]) }
            total += r
            start = end
        }
        return total
    }

    private func entry(_ p: PlannedTensor, bytes: Int, rmse: Double?, maxAbs: Double?, sparsity: Double?) -> TensorCompression {
        TensorCompression(
            name: p.name, sourceName: p.name == p.source.name ? nil : p.source.name, shape: p.source.shape,
            sourceType: p.source.typeName, type: p.outputTypeName, sourceBytes: UInt64(p.source.byteCount),
            bytes: UInt64(bytes), relativeRMSE: rmse, maxAbsError: maxAbs, sparsity: sparsity, fallback: p.fallback)
    }
}
