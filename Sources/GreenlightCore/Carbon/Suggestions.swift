/// "Did you mean …?" for names the user typed: countries, regions, cloud regions, devices, precisions.
package enum Suggestions {
    /// A thing the user may have meant.
    package struct Candidate {
        /// What the suggestion shows, e.g. `DEU (Germany)`.
        package var label: String
        /// The strings compared with the input: codes, names, aliases.
        package var names: [String]

        /// A candidate.
        package init(label: String, names: [String]) {
            self.label = label
            self.names = names
        }
    }

    /// Up to `limit` labels, closest first: prefix matches of the input, then small edit distances.
    package static func closest(to input: String, in candidates: [Candidate], limit: Int = 3) -> [String] {
        let q = fold(input)
        guard !q.isEmpty else { return [] }
        let threshold = max(1, min(3, q.count / 2))
        var scored: [(score: Int, label: String)] = []
        for c in candidates {
            var best = Int.max
            for name in c.names {
                let n = fold(name)
                if n.isEmpty { continue }
                if q.count >= 2 && (n.hasPrefix(q) || q.hasPrefix(n) && n.count >= 3) {
                    best = 0
                    break
                }
                best = min(best, distance(q, n))
            }
            if best <= threshold { scored.append((best, c.label)) }
        }
        scored.sort { $0.score != $1.score ? $0.score < $1.score : $0.label < $1.label }
        var seen = Set<String>()
        return scored.map(\.label).filter { seen.insert($0).inserted }.prefix(limit).map { $0 }
    }

    /// ` Did you mean A, B or C?` — empty when there is nothing to suggest.
    package static func didYouMean(_ labels: [String]) -> String {
        guard let last = labels.last else { return "" }
        if labels.count == 1 { return " Did you mean \(last)?" }
        return " Did you mean \(labels.dropLast().joined(separator: ", ")) or \(last)?"
    }

    /// Lower-cased, with runs of spaces and tabs folded to one space.
    static func fold(_ s: String) -> String {
        s.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions cost 1.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}
