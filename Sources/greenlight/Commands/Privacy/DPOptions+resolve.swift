import GreenlightPrivacy

extension DPOptions {
    /// The query to answer and charge.
    func resolve() -> DifferentialPrivacyJob {
        DifferentialPrivacyJob(
            inputPath: input, query: query.query(column: column), lower: lower, upper: upper, mechanism: mechanism,
            epsilon: epsilon, delta: delta, epsilonBudget: budget, deltaBudget: deltaBudget, dataset: dataset,
            ledgerPath: ledger, reportPath: json, encoding: encoding.encoding)
    }
}
